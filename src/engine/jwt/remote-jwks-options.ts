import { checkPositiveNumber } from '../../shared/option-checks.js';
import { resolveSection, type OptionsSchema } from '../../shared/options-schema.js';
import { checkHttpsUrl } from '../config/check-https-url.js';
import { JamError } from '../jam-error.js';

/**
 * `jwt.jwks`: verify tokens against an identity provider's published keys; defaults: `JWT_JWKS_OPTIONS`.
 * @inline
 */
export interface RemoteJwksOptions {
  /** The JWK Set URL, e.g. `https://idp.example.com/.well-known/jwks.json`. */
  uri?: string;
  /** Or the issuer: its `/.well-known/openid-configuration` names the JWK Set URL (discovery). */
  issuer?: string;
  /** Seconds between two fetches caused by unknown `kid`s or failures. */
  cooldown?: number;
  /** Seconds after which the keys are re-fetched on the next token (kept while the provider is down). */
  cacheMaxAge?: number;
  /** Milliseconds one fetch may take. */
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

/** The `jwt.jwks` options, declared once (docs/api-behind-idp.md shows them). */
export const JWT_JWKS_OPTIONS = {
  uri: { doc: 'the JWK Set URL; give this or `issuer`', check: checkHttpsUrl },
  issuer: {
    doc: 'discovery: `<issuer>/.well-known/openid-configuration` names `jwks_uri`; its `issuer` must match exactly',
    // Kept as given: discovery compares it character for character.
    check: (path: string, value: unknown) => checkHttpsUrl(path, value) && (value as string),
  },
  cooldown: {
    doc: 'seconds between two fetches caused by an unknown `kid`, a stale set or a failure',
    default: 30,
    check: checkPositiveNumber,
  },
  cacheMaxAge: {
    doc: 'seconds after which the next token re-fetches the set (the old one serves if that fails)',
    default: 600,
    check: checkPositiveNumber,
  },
  timeout: {
    doc: 'milliseconds one fetch may take',
    default: 5000,
    check: (path: string, value: unknown) => checkPositiveNumber(path, value, { integer: true }),
  },
} as const satisfies OptionsSchema;

export function resolveRemoteJwksOptions(path: string, input: unknown): ResolvedRemoteJwksOptions {
  const options = resolveSection(path, JWT_JWKS_OPTIONS, input);
  if ((options.uri === undefined) === (options.issuer === undefined)) {
    throw JamError.config(`${path} needs either uri (the JWK Set URL) or issuer (discovery), not both`);
  }
  return {
    uri: options.uri,
    issuer: options.issuer,
    cooldownMs: options.cooldown * 1000,
    cacheMaxAgeMs: options.cacheMaxAge * 1000,
    timeoutMs: options.timeout,
  };
}
