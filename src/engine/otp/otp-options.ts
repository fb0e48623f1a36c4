import { checkOneOf, checkPositiveNumber } from '../../shared/option-checks.js';
import { resolveSection, type OptionsSchema, type ResolvedSection } from '../../shared/options-schema.js';
import { checkStoreOption, type StoreOption } from '../store/open-store.js';
import { JamError } from '../jam-error.js';

export const OTP_TYPES = ['totp', 'hotp'] as const;
export const OTP_DIGESTS = ['sha1', 'sha256', 'sha512'] as const;
/**
 * `totp` (RFC 6238, time-based) or `hotp` (RFC 4226, counter-based).
 * @useDeclaredType
 */
export type OtpType = (typeof OTP_TYPES)[number];
/**
 * The HMAC hash of the codes; SHA-1 is what every authenticator app supports.
 * @useDeclaredType
 */
export type OtpDigest = (typeof OTP_DIGESTS)[number];

/** Accepting more steps than this makes guessing easier and every check slower. */
export const MAX_OTP_WINDOW = 10;

/** The `otp` section of the Jam config; defaults and details: docs/otp-and-passwords.md, from `OTP_OPTIONS`. */
export interface OtpOptions {
  /** Time-based (RFC 6238) or counter-based (RFC 4226). */
  type?: OtpType;
  /** Code length, 6 to 8. */
  digits?: number;
  /** HMAC hash. */
  digest?: OtpDigest;
  /** TOTP step in seconds. */
  interval?: number;
  /** Steps accepted on either side of now (TOTP) or ahead of the counter (HOTP), 0 to 10. */
  window?: number;
  /** Failed checks of one `sessionKey` within `attemptPeriod` that lock it. */
  maxAttempts?: number;
  /** Seconds over which failed checks are counted. */
  attemptPeriod?: number;
  /** Seconds a locked `sessionKey` is refused. */
  lockoutPeriod?: number;
  /** Where used steps and failed attempts are kept: a Keyv, or a redis:// / sqlite:// URL. */
  store?: StoreOption;
  /** Milliseconds after which a store call counts as an outage. */
  storeTimeout?: number;
}

/** The `otp` options, declared once (docs/otp-and-passwords.md shows them). */
export const OTP_OPTIONS = {
  type: {
    doc: '`totp` (RFC 6238, time-based) or `hotp` (RFC 4226, counter-based).',
    default: 'totp',
    check: (path: string, value: unknown) => checkOneOf(path, value, OTP_TYPES),
  },
  digits: { doc: '6, 7 or 8.', default: 6, check: checkDigits },
  digest: {
    doc: '`sha1`, `sha256` or `sha512` (SHA-1 is what every authenticator app supports).',
    default: 'sha1',
    check: (path: string, value: unknown) => checkOneOf(path, value, OTP_DIGESTS),
  },
  interval: {
    doc: "TOTP step in seconds; used for codes, checks and the URI's `period`.",
    default: 30,
    check: (path: string, value: unknown) => checkPositiveNumber(path, value, { integer: true }),
  },
  window: {
    doc: `steps accepted either side of now (TOTP) or ahead of the counter (HOTP), 0 to ${MAX_OTP_WINDOW}.`,
    default: 1,
    check: (path: string, value: unknown) => checkWindow(path, value, JamError.config),
  },
  maxAttempts: {
    doc: 'failed checks of one `sessionKey` within `attemptPeriod` that lock it,',
    default: 5,
    check: (path: string, value: unknown) => checkPositiveNumber(path, value, { integer: true }),
  },
  attemptPeriod: {
    doc: 'seconds over which failures are counted,',
    default: 900,
    check: checkPositiveNumber,
  },
  lockoutPeriod: {
    doc: 'seconds a locked `sessionKey` is refused (even with the right code).',
    default: 900,
    check: checkPositiveNumber,
  },
  store: {
    doc: 'where used steps and failures are kept: a Keyv, or `redis://…` / `sqlite://…` to share them across processes.',
    defaultDoc: 'in memory',
    check: checkStoreOption,
  },
  storeTimeout: {
    doc: 'milliseconds after which a store call counts as an outage (`ERR_STORE_UNAVAILABLE`).',
    default: 1000,
    check: checkPositiveNumber,
  },
} as const satisfies OptionsSchema;

export type ResolvedOtpOptions = ResolvedSection<typeof OTP_OPTIONS>;

export function resolveOtpOptions(input: OtpOptions): ResolvedOtpOptions {
  return resolveSection('otp', OTP_OPTIONS, input);
}

/** RFC 4226 R4: at least 6 digits; authenticator apps show at most 8. */
function checkDigits(path: string, value: unknown): number {
  const digits = checkPositiveNumber(path, value, { integer: true });
  if (digits < 6 || digits > 8) throw JamError.config(`${path} must be 6, 7 or 8, got ${digits}`);
  return digits;
}

/** Shared by the config and the per-call `window` option. */
export function checkWindow(path: string, value: unknown, fail: (message: string) => Error): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_OTP_WINDOW) {
    throw fail(`${path} must be an integer from 0 to ${MAX_OTP_WINDOW}`);
  }
  return value;
}
