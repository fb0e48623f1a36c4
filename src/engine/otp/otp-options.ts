import { checkOneOf, checkPositiveNumber, checkSection } from '../../shared/option-checks.js';
import { openStore, type StoreOption } from '../store/open-store.js';
import type { JamStore } from '../store/jam-store.js';
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

/** The `otp` section of the Jam config. */
export interface OtpOptions {
  /** Time-based (RFC 6238) or counter-based (RFC 4226). Default `totp`. */
  type?: OtpType;
  /** Code length, 6 to 8. Default 6. */
  digits?: number;
  /** HMAC hash. Default `sha1`, the one every authenticator app supports. */
  digest?: OtpDigest;
  /** TOTP step in seconds. Default 30. */
  interval?: number;
  /** Steps accepted on either side of now (TOTP) or ahead of the counter (HOTP), 0 to 10. Default 1. */
  window?: number;
  /** Failed checks of one `sessionKey` within `attemptPeriod` that lock it. Default 5. */
  maxAttempts?: number;
  /** Seconds over which failed checks are counted. Default 900. */
  attemptPeriod?: number;
  /** Seconds a locked `sessionKey` is refused. Default 900. */
  lockoutPeriod?: number;
  /** Where used steps and failed attempts are kept: a Keyv, or a redis:// / sqlite:// URL. Default in memory. */
  store?: StoreOption;
  /** Milliseconds after which a store call counts as an outage. Default 1000. */
  storeTimeout?: number;
}

export interface ResolvedOtpOptions {
  type: OtpType;
  digits: number;
  digest: OtpDigest;
  interval: number;
  window: number;
  maxAttempts: number;
  attemptPeriod: number;
  lockoutPeriod: number;
  store: JamStore;
}

const KNOWN = [
  'type',
  'digits',
  'digest',
  'interval',
  'window',
  'maxAttempts',
  'attemptPeriod',
  'lockoutPeriod',
  'store',
  'storeTimeout',
] as const;

const DEFAULTS = {
  type: 'totp',
  digits: 6,
  digest: 'sha1',
  interval: 30,
  window: 1,
  maxAttempts: 5,
  attemptPeriod: 900,
  lockoutPeriod: 900,
  storeTimeout: 1000,
} as const;

export function resolveOtpOptions(input: OtpOptions): ResolvedOtpOptions {
  checkSection('otp', input, KNOWN);
  const options = { ...DEFAULTS, ...input };
  const digits = checkPositiveNumber('otp.digits', options.digits, { integer: true });
  // RFC 4226 R4: at least 6 digits; authenticator apps show at most 8.
  if (digits < 6 || digits > 8) throw JamError.config(`otp.digits must be 6, 7 or 8, got ${digits}`);
  return {
    type: checkOneOf('otp.type', options.type, OTP_TYPES),
    digits,
    digest: checkOneOf('otp.digest', options.digest, OTP_DIGESTS),
    interval: checkPositiveNumber('otp.interval', options.interval, { integer: true }),
    window: checkWindow('otp.window', options.window, JamError.config),
    maxAttempts: checkPositiveNumber('otp.maxAttempts', options.maxAttempts, { integer: true }),
    attemptPeriod: checkPositiveNumber('otp.attemptPeriod', options.attemptPeriod),
    lockoutPeriod: checkPositiveNumber('otp.lockoutPeriod', options.lockoutPeriod),
    store: openStore(options.store, {
      path: 'otp.store',
      purpose: 'OTP store',
      prefix: 'jam:otp:',
      timeoutMs: checkPositiveNumber('otp.storeTimeout', options.storeTimeout),
    }),
  };
}

/** Shared by the config and the per-call `window` option. */
export function checkWindow(path: string, value: unknown, fail: (message: string) => Error): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_OTP_WINDOW) {
    throw fail(`${path} must be an integer from 0 to ${MAX_OTP_WINDOW}`);
  }
  return value;
}
