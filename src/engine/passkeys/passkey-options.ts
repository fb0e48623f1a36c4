import { checkOneOf, checkPositiveNumber, checkString } from '../../shared/option-checks.js';
import { resolveSection, type OptionsSchema } from '../../shared/options-schema.js';
import { checkStoreOption, type StoreOption } from '../store/open-store.js';
import { JamError } from '../jam-error.js';

export const USER_VERIFICATION = ['required', 'preferred', 'discouraged'] as const;
/**
 * Whether the authenticator must verify the user (PIN, biometrics): WebAuthn's `userVerification`.
 * @useDeclaredType
 */
export type PasskeyUserVerification = (typeof USER_VERIFICATION)[number];

/**
 * The `passkeys` section of the Jam config (WebAuthn; needs the optional peer `@simplewebauthn/server`);
 * defaults and details: docs/passkeys.md, from `PASSKEY_OPTIONS`.
 */
export interface PasskeyOptions {
  /** Relying party id: the site's domain (`example.com`), without scheme or port. Required. */
  rpId: string;
  /** The name authenticators show for the site. */
  rpName?: string;
  /** The origin(s) of the pages calling `navigator.credentials`, each on `rpId` or a subdomain. */
  origins?: string | string[];
  /** Whether the authenticator must verify the user (PIN, biometrics). */
  userVerification?: PasskeyUserVerification;
  /** Seconds a challenge stays valid (also the browser's ceremony timeout). */
  challengeLifetime?: number;
  /** Where challenges are kept until used: a Keyv, or a redis:// / sqlite:// URL. */
  store?: StoreOption;
  /** Milliseconds after which a store call counts as an outage. */
  storeTimeout?: number;
}

/** The `passkeys` options, declared once (docs/passkeys.md shows them). */
export const PASSKEY_OPTIONS = {
  rpId: {
    doc: 'the relying party id: your domain, without scheme or port (`localhost` in development)',
    required: true,
    check: checkRpId,
  },
  rpName: { doc: 'the site name authenticators show', defaultDoc: '`rpId`', check: checkString },
  origins: {
    doc: 'origin(s) of the pages that call `navigator.credentials`, each on `rpId` or one of its subdomains',
    defaultDoc: '`https://<rpId>`',
    // Each origin is checked against rpId, once both are known.
    check: (_path: string, value: unknown) => (Array.isArray(value) ? value : [value]) as unknown[],
  },
  userVerification: {
    doc: '`required`, `preferred` or `discouraged`: must the authenticator check a PIN or biometric?',
    default: 'required',
    check: (path: string, value: unknown) => checkOneOf(path, value, USER_VERIFICATION),
  },
  challengeLifetime: {
    doc: "seconds a challenge stays valid; also the browser's ceremony timeout",
    default: 300,
    check: checkPositiveNumber,
  },
  store: {
    doc: 'where challenges wait for their answer: a Keyv, or a `redis://` / `sqlite://` URL',
    defaultDoc: 'in memory',
    check: checkStoreOption,
  },
  storeTimeout: {
    doc: 'milliseconds after which a store call counts as an outage (`ERR_STORE_UNAVAILABLE`, 503)',
    default: 1000,
    check: checkPositiveNumber,
  },
} as const satisfies OptionsSchema;

export interface ResolvedPasskeyOptions {
  rpId: string;
  rpName: string;
  origins: string[];
  userVerification: PasskeyUserVerification;
  challengeLifetimeMs: number;
  store?: StoreOption;
  storeTimeoutMs: number;
}

export function resolvePasskeyOptions(input: PasskeyOptions): ResolvedPasskeyOptions {
  const options = resolveSection('passkeys', PASSKEY_OPTIONS, input);
  const { rpId } = options;
  // Origins are checked against rpId, so after it: the default is the RP's own https origin.
  const origins = (options.origins ?? [`https://${rpId}`]).map((origin) => checkOrigin(origin, rpId));
  if (origins.length === 0) throw JamError.config('passkeys.origins must name at least one origin');
  return {
    rpId,
    rpName: options.rpName ?? rpId,
    origins,
    userVerification: options.userVerification,
    challengeLifetimeMs: options.challengeLifetime * 1000,
    store: options.store,
    storeTimeoutMs: options.storeTimeout,
  };
}

/** A domain name, lower case: browsers refuse IP addresses, schemes and ports as RP ids. */
function checkRpId(path: string, value: unknown): string {
  const rpId = checkString(path, value);
  if (
    !/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(rpId)
  ) {
    throw JamError.config(
      'passkeys.rpId must be a lower-case domain name like example.com (no scheme, port or path)',
    );
  }
  return rpId;
}

function checkOrigin(value: unknown, rpId: string): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || !/^https?:$/.test(url.protocol) || url.origin !== value) {
    throw JamError.config(
      'passkeys.origins must hold origins like https://example.com (scheme, host, optional port, no path)',
    );
  }
  // Browsers only use a credential on its RP id and that domain's subdomains: another host could never sign in.
  if (url.hostname !== rpId && !url.hostname.endsWith(`.${rpId}`)) {
    throw JamError.config(`passkeys.origins: ${value} is not on ${rpId} or one of its subdomains`);
  }
  return value;
}
