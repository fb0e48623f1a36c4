import {
  checkBoolean,
  checkNonNegativeNumber,
  checkOneOf,
  checkPositiveNumber,
  checkString,
} from '../../shared/option-checks.js';
import { resolveSection, type OptionsSchema } from '../../shared/options-schema.js';
import { JamError } from '../jam-error.js';
import { JWT_ALGORITHMS, type JwtAlgorithm } from './jwt-algorithms.js';
import { checkKeyList, JwtKeySet, type JwtKeyOptions, type JwtKeySource } from './jwt-key-set.js';
import type { KeyInput } from './jwt-keys.js';
import { resolveListOptions, type JwtListOptions, type ResolvedListOptions } from './jwt-list-options.js';
import { resolveRemoteJwksOptions, type RemoteJwksOptions } from './remote-jwks-options.js';
import { RemoteKeySet } from './remote-key-set.js';

/** The `jwt` section of the Jam config; defaults and details: docs/jwt.md ("Options"), from `JWT_OPTIONS`. */
export interface JwtOptions {
  /** Signing algorithm; tokens are only ever verified with this one. */
  alg?: JwtAlgorithm;
  /** HS* secret: a string (used as its UTF-8 bytes), a Buffer or a secret KeyObject. */
  secretKey?: KeyInput;
  /** PEM string or KeyObject; without it the instance can verify but not sign. */
  privateKey?: KeyInput;
  /** PEM string or KeyObject; derived from `privateKey` when absent. */
  publicKey?: KeyInput;
  /** Token lifetime in seconds used by `makePayload`. */
  expire?: number;
  /** Put into `makePayload`'s output and required by `verifyJwtToken` when set. */
  issuer?: string;
  /** Put into `makePayload`'s output and required by `verifyJwtToken` when set. */
  audience?: string | string[];
  /** Seconds of clock skew accepted for `exp`, `nbf` and `iat`. */
  clockTolerance?: number;
  /**
   * Cache verified tokens in process (LRU, bounded in entries and in estimated heap bytes); a hit still runs
   * the list check.
   */
  cache?: boolean | { maxEntries?: number; maxBytes?: number };
  /** Longest token accepted; longer ones are refused before any parsing or crypto. */
  maxTokenLength?: number;
  /** A black or white list of tokens, in memory or on a shared store. */
  list?: JwtListOptions;
  /** Several keys, each named by a `kid`, instead of secretKey/privateKey/publicKey: key rotation. */
  keys?: JwtKeyOptions[];
  /** An identity provider's JWK Set instead of keys of your own (verify only); needs `issuer` and `audience`. */
  jwks?: RemoteJwksOptions;
  /** With `jwks`: the algorithms accepted, each key used only with its own. */
  algorithms?: JwtAlgorithm[];
  /** Refresh token lifetime in seconds used by `genTokenPair`. */
  refreshExpire?: number;
  /** Seconds after a refresh token is spent during which presenting it again returns the same new pair. */
  refreshReuseInterval?: number;
}

export interface ResolvedJwtOptions {
  alg: JwtAlgorithm;
  keys: JwtKeySource;
  expire: number;
  refreshExpire: number;
  refreshReuseInterval: number;
  list?: ResolvedListOptions;
  issuer?: string;
  audience?: string | string[];
  clockTolerance: number;
  /** Absent when the cache is off. */
  cache?: { maxEntries: number; maxBytes: number };
  maxTokenLength: number;
}

const positiveInteger = (path: string, value: unknown) => checkPositiveNumber(path, value, { integer: true });

/**
 * The object form of `jwt.cache`, declared once (docs/jwt.md shows it). 10,000 typical tokens take about 8 MB;
 * 64 MiB also holds 10,000 payloads of 6 KB, or ~650 hostile ones.
 */
export const JWT_CACHE_OPTIONS = {
  maxEntries: {
    doc: 'most tokens kept (least recently used go first).',
    default: 10_000,
    check: positiveInteger,
  },
  maxBytes: {
    doc: 'most heap the entries may hold, estimated; a payload larger than this is not cached.',
    default: 64 * 2 ** 20,
    defaultDoc: '`67108864` (64 MiB)',
    check: positiveInteger,
  },
} as const satisfies OptionsSchema;

/** `jwt.refreshReuseInterval` is a window for retries, not a second lifetime. */
const MAX_REUSE_INTERVAL = 3600;
const keyInput = (_path: string, value: unknown) => value as KeyInput; // checked when the keys are built

/** The `jwt` options, declared once (docs/jwt.md shows them). */
export const JWT_OPTIONS = {
  alg: {
    doc: '`HS256/384/512`, `RS256/384/512`, `ES256/384/512`, `PS256/384/512`. Tokens are only ever verified with this algorithm; the token header never chooses it.',
    default: 'HS256',
    check: (path: string, value: unknown) => checkOneOf(path, value, JWT_ALGORITHMS),
  },
  secretKey: {
    doc: 'HS\\* secret: a string (its UTF-8 bytes), a Buffer or a secret `KeyObject`; at least as long as the hash (32 bytes for HS256, 48 for HS384, 64 for HS512, RFC 7518 §3.2).',
    defaultDoc: 'env `JAM_JWT_SECRET_KEY`',
    check: keyInput,
  },
  privateKey: {
    doc: 'PEM string or `KeyObject`. Without it the instance verifies but cannot sign.',
    defaultDoc: 'env `JAM_JWT_PRIVATE_KEY`',
    check: keyInput,
  },
  publicKey: {
    doc: 'PEM string or `KeyObject`; derived from `privateKey` when absent, checked against it when both are given.',
    defaultDoc: 'env `JAM_JWT_PUBLIC_KEY`',
    check: keyInput,
  },
  expire: {
    doc: 'token lifetime in seconds used by `makePayload`.',
    default: 3600,
    check: (path: string, value: unknown) => checkPositiveNumber(path, value, { integer: true }),
  },
  issuer: { doc: 'added by `makePayload`, required by `verifyJwtToken`.', check: checkString },
  audience: {
    doc: 'a string or an array of strings: added by `makePayload`, required by `verifyJwtToken`.',
    check: checkAudience,
  },
  clockTolerance: {
    doc: 'seconds of clock skew accepted for `exp`, `nbf`, `iat`.',
    default: 0,
    check: checkNonNegativeNumber,
  },
  cache: {
    doc: 'verified-token cache: `true`, `false`, or `{ maxEntries, maxBytes }` (see [below](#verified-token-cache)).',
    default: true,
    check: resolveCache,
  },
  maxTokenLength: {
    doc: 'longer tokens are refused before any parsing or crypto.',
    default: 8192,
    check: (path: string, value: unknown) => checkPositiveNumber(path, value, { integer: true }),
  },
  list: {
    doc: '`{ type, store?, storeTimeout? }`: a revocation list (see [Revocation lists](revocation-and-refresh.md#revocation-lists)).',
    check: resolveListOptions,
  },
  refreshExpire: {
    doc: 'refresh token lifetime in seconds used by `genTokenPair`.',
    default: 30 * 24 * 3600,
    defaultDoc: '`2592000` (30 days)',
    check: (path: string, value: unknown) => checkPositiveNumber(path, value, { integer: true }),
  },
  refreshReuseInterval: {
    doc: `seconds after a refresh token is spent during which presenting it again returns the same new pair instead of revoking its family (a client retrying), 0 to ${MAX_REUSE_INTERVAL}; 0: every reuse revokes (see [the grace window](revocation-and-refresh.md#a-grace-window-for-retries)).`,
    default: 0,
    check: checkReuseInterval,
  },
  keys: {
    doc: '`[{ kid, alg?, secretKey \\| privateKey \\| publicKey }]` instead of the single key options: key rotation (see [below](#key-rotation-and-jwks)).',
    check: checkKeyList,
  },
  jwks: {
    doc: "an identity provider's JWK Set instead of keys of your own: `{ uri }` or `{ issuer }` (discovery), see [APIs behind an identity provider](api-behind-idp.md#verify-tokens-against-a-remote-jwks).",
    check: resolveRemoteJwksOptions,
  },
  algorithms: {
    doc: 'with `jwks` only: the algorithms accepted (no HS\\*); each key is used only with its own.',
    defaultDoc: "`['RS256']`",
    check: checkRemoteAlgorithms,
  },
} as const satisfies OptionsSchema;

export function resolveJwtOptions(
  input: JwtOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedJwtOptions {
  const { keys, secretKey, privateKey, publicKey, cache, list, jwks, algorithms, ...options } =
    resolveSection('jwt', JWT_OPTIONS, input);
  let keySet: JwtKeySource;
  if (jwks !== undefined) {
    // The provider's keys replace your own, and its tokens must name it and this API.
    const own = (['alg', 'secretKey', 'privateKey', 'publicKey', 'keys'] as const).filter(
      (k) => input[k] !== undefined,
    );
    if (own.length > 0) throw JamError.config(`jwt.jwks replaces jwt.${own[0]}: give one or the other`);
    if (options.issuer === undefined || options.audience === undefined) {
      throw JamError.config(
        'jwt.jwks needs jwt.issuer and jwt.audience: a token the provider issued to another tenant or API must not pass',
      );
    }
    keySet = new RemoteKeySet(jwks, algorithms ?? ['RS256']);
  } else if (algorithms !== undefined) {
    throw JamError.config('jwt.algorithms applies to jwt.jwks; your own keys carry their own alg');
  } else if (keys === undefined) {
    // The config wins over the environment.
    keySet = JwtKeySet.single(options.alg, {
      secretKey: secretKey ?? env.JAM_JWT_SECRET_KEY,
      privateKey: privateKey ?? env.JAM_JWT_PRIVATE_KEY,
      publicKey: publicKey ?? env.JAM_JWT_PUBLIC_KEY,
    });
  } else if (secretKey !== undefined || privateKey !== undefined || publicKey !== undefined) {
    throw JamError.config('use either jwt.keys or jwt.secretKey/privateKey/publicKey, not both');
  } else {
    keySet = JwtKeySet.fromList(options.alg, keys);
  }
  return { ...options, keys: keySet, list, cache };
}

function checkReuseInterval(path: string, value: unknown): number {
  const seconds = checkNonNegativeNumber(path, value);
  if (seconds > MAX_REUSE_INTERVAL)
    throw JamError.config(`${path} must be at most ${MAX_REUSE_INTERVAL} seconds, got ${seconds}`);
  return seconds;
}

function checkAudience(path: string, value: unknown): string | string[] {
  if (Array.isArray(value) && value.length > 0)
    return value.map((aud, i) => checkString(`${path}[${i}]`, aud));
  if (typeof value === 'string' && value !== '') return value;
  throw JamError.config(`${path} must be a non-empty string or array of strings`);
}

/** `jwt.cache` as the cache's bounds, or undefined when it is off. */
function resolveCache(path: string, cache: unknown): ResolvedJwtOptions['cache'] {
  if (typeof cache === 'object' && cache !== null) return resolveSection(path, JWT_CACHE_OPTIONS, cache);
  return checkBoolean(path, cache) ? resolveSection(path, JWT_CACHE_OPTIONS, {}) : undefined;
}

/** `jwt.algorithms`: asymmetric ones only, a JWK Set never holds a secret key. */
function checkRemoteAlgorithms(path: string, value: unknown): JwtAlgorithm[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw JamError.config(`${path} must be a non-empty array of algorithms`);
  }
  return value.map((alg, i) => {
    if (checkOneOf(`${path}[${i}]`, alg, JWT_ALGORITHMS).startsWith('HS'))
      throw JamError.config(`${path}[${i}]: ${alg} needs a secret key, which a JWK Set never holds`);
    return alg as JwtAlgorithm;
  });
}
