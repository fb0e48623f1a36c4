import { checkPositiveNumber, checkSection } from '../../shared/option-checks.js';
import { checkHttpsUrl } from '../config/check-https-url.js';
import { JamError } from '../jam-error.js';

/**
 * `jwt.jwks`: verify tokens against an identity provider's published keys.
 * @inline
 */
export interface RemoteJwksOptions {
  /** The JWK Set URL, e.g. `https://idp.example.com/.well-known/jwks.json`. */
  uri?: string;
  /** Or the issuer: its `/.well-known/openid-configuration` names the JWK Set URL (discovery). */
  issuer?: string;
  /** Seconds between two fetches caused by unknown `kid`s or failures. Default 30. */
  cooldown?: number;
  /** Seconds after which the keys are re-fetched on the next token (kept while the provider is down). Default 600. */
  cacheMaxAge?: number;
  /** Milliseconds one fetch may take. Default 5000. */
  timeout?: number;
}

export interface ResolvedRemoteJwksOptions {
  /** Exactly one of the two. */
  uri?: URL;
  /** As configured: discovery requires the document's `issuer` to be exactly this. */
  issuer?: string;
  cooldownMs: number;
  cacheMaxAgeMs: number;
  timeoutMs: number;
}

const KNOWN = ['uri', 'issuer', 'cooldown', 'cacheMaxAge', 'timeout'] as const;
const DEFAULTS = { cooldown: 30, cacheMaxAge: 600, timeout: 5000 };

export function resolveRemoteJwksOptions(input: unknown): ResolvedRemoteJwksOptions {
  const options: Record<string, unknown> = { ...DEFAULTS, ...checkSection('jwt.jwks', input, KNOWN) };
  if ((options.uri === undefined) === (options.issuer === undefined)) {
    throw JamError.config('jwt.jwks needs either uri (the JWK Set URL) or issuer (discovery), not both');
  }
  return {
    uri: options.uri === undefined ? undefined : checkHttpsUrl('jwt.jwks.uri', options.uri),
    issuer:
      options.issuer === undefined
        ? undefined
        : checkHttpsUrl('jwt.jwks.issuer', options.issuer) && (options.issuer as string),
    cooldownMs: checkPositiveNumber('jwt.jwks.cooldown', options.cooldown) * 1000,
    cacheMaxAgeMs: checkPositiveNumber('jwt.jwks.cacheMaxAge', options.cacheMaxAge) * 1000,
    timeoutMs: checkPositiveNumber('jwt.jwks.timeout', options.timeout, { integer: true }),
  };
}
