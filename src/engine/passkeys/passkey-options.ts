import { checkOneOf, checkPositiveNumber, checkSection, checkString } from '../../shared/option-checks.js';
import { openStore, type StoreOption } from '../store/open-store.js';
import type { JamStore } from '../store/jam-store.js';
import { JamError } from '../jam-error.js';

export const USER_VERIFICATION = ['required', 'preferred', 'discouraged'] as const;
/**
 * Whether the authenticator must verify the user (PIN, biometrics): WebAuthn's `userVerification`.
 * @useDeclaredType
 */
export type PasskeyUserVerification = (typeof USER_VERIFICATION)[number];

/** The `passkeys` section of the Jam config (WebAuthn; needs the optional peer `@simplewebauthn/server`). */
export interface PasskeyOptions {
  /** Relying party id: the site's domain (`example.com`), without scheme or port. Required. */
  rpId: string;
  /** The name authenticators show for the site. Default: `rpId`. */
  rpName?: string;
  /** The origin(s) of the pages calling `navigator.credentials`, each on `rpId` or a subdomain. Default `https://<rpId>`. */
  origins?: string | string[];
  /** Whether the authenticator must verify the user (PIN, biometrics). Default `required`. */
  userVerification?: PasskeyUserVerification;
  /** Seconds a challenge stays valid (also the browser's ceremony timeout). Default 300. */
  challengeLifetime?: number;
  /** Where challenges are kept until used: a Keyv, or a redis:// / sqlite:// URL. Default in memory. */
  store?: StoreOption;
  /** Milliseconds after which a store call counts as an outage. Default 1000. */
  storeTimeout?: number;
}

export interface ResolvedPasskeyOptions {
  rpId: string;
  rpName: string;
  origins: string[];
  userVerification: PasskeyUserVerification;
  challengeLifetimeMs: number;
  store: JamStore;
}

const KNOWN = [
  'rpId',
  'rpName',
  'origins',
  'userVerification',
  'challengeLifetime',
  'store',
  'storeTimeout',
] as const;

const DEFAULTS = { userVerification: 'required', challengeLifetime: 300, storeTimeout: 1000 } as const;

export function resolvePasskeyOptions(input: PasskeyOptions): ResolvedPasskeyOptions {
  checkSection('passkeys', input, KNOWN);
  const options = { ...DEFAULTS, ...input };
  const rpId = checkRpId(options.rpId);
  const given = options.origins ?? `https://${rpId}`;
  const origins = (Array.isArray(given) ? given : [given]).map((origin) => checkOrigin(origin, rpId));
  if (origins.length === 0) throw JamError.config('passkeys.origins must name at least one origin');
  return {
    rpId,
    rpName: options.rpName === undefined ? rpId : checkString('passkeys.rpName', options.rpName),
    origins,
    userVerification: checkOneOf('passkeys.userVerification', options.userVerification, USER_VERIFICATION),
    challengeLifetimeMs: checkPositiveNumber('passkeys.challengeLifetime', options.challengeLifetime) * 1000,
    store: openStore(options.store, {
      path: 'passkeys.store',
      purpose: 'passkey challenge store',
      prefix: 'jam:passkey:',
      timeoutMs: checkPositiveNumber('passkeys.storeTimeout', options.storeTimeout),
    }),
  };
}

/** A domain name, lower case: browsers refuse IP addresses, schemes and ports as RP ids. */
function checkRpId(value: unknown): string {
  const rpId = checkString('passkeys.rpId', value);
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
