import {
  checkBoolean,
  checkNonNegativeNumber,
  checkOneOf,
  checkPositiveNumber,
  checkSection,
  checkString,
} from '../../shared/option-checks.js';
import { JWT_ALGORITHMS, type JwtAlgorithm } from './jwt-algorithms.js';
import { JwtKeySet, type JwtKeyOptions, type JwtKeySource } from './jwt-key-set.js';
import type { KeyInput } from './jwt-keys.js';
import { resolveListOptions, type JwtListOptions, type ResolvedListOptions } from './jwt-list.js';
import { JamError } from '../jam-error.js';
import { resolveRemoteJwksOptions, type RemoteJwksOptions } from './remote-jwks-options.js';
import { RemoteKeySet } from './remote-key-set.js';

/** The `jwt` section of the Jam config. */
export interface JwtOptions {
  /** Signing algorithm; tokens are only ever verified with this one. Default `HS256`. */
  alg?: JwtAlgorithm;
  /** HS* secret: a string (used as its UTF-8 bytes), a Buffer or a secret KeyObject. */
  secretKey?: KeyInput;
  /** PEM string or KeyObject; without it the instance can verify but not sign. */
  privateKey?: KeyInput;
  /** PEM string or KeyObject; derived from `privateKey` when absent. */
  publicKey?: KeyInput;
  /** Token lifetime in seconds used by `makePayload`. Default 3600. */
  expire?: number;
  /** Put into `makePayload`'s output and required by `verifyJwtToken` when set. */
  issuer?: string;
  /** Put into `makePayload`'s output and required by `verifyJwtToken` when set. */
  audience?: string | string[];
  /** Seconds of clock skew accepted for `exp`, `nbf` and `iat`. Default 0. */
  clockTolerance?: number;
  /**
   * Cache verified tokens in process (LRU, bounded in entries and in estimated heap bytes); a hit still runs
   * the list check. Default true: 10,000 entries, 64 MiB.
   */
  cache?: boolean | { maxEntries?: number; maxBytes?: number };
  /** Longest token accepted; longer ones are refused before any parsing or crypto. Default 8192. */
  maxTokenLength?: number;
  /** A black or white list of tokens, in memory or on a shared store. */
  list?: JwtListOptions;
  /** Several keys, each named by a `kid`, instead of secretKey/privateKey/publicKey: key rotation. */
  keys?: JwtKeyOptions[];
  /** An identity provider's JWK Set instead of keys of your own (verify only); needs `issuer` and `audience`. */
  jwks?: RemoteJwksOptions;
  /** With `jwks`: the algorithms accepted, each key used only with its own. Default `['RS256']`. */
  algorithms?: JwtAlgorithm[];
  /** Refresh token lifetime in seconds used by `genTokenPair`. Default 30 days. */
  refreshExpire?: number;
}

export interface ResolvedJwtOptions {
  alg: JwtAlgorithm;
  keys: JwtKeySource;
  expire: number;
  refreshExpire: number;
  list?: ResolvedListOptions;
  issuer?: string;
  audience?: string | string[];
  clockTolerance: number;
  /** Absent when the cache is off. */
  cache?: { maxEntries: number; maxBytes: number };
  maxTokenLength: number;
}

const KNOWN = [
  'alg',
  'secretKey',
  'privateKey',
  'publicKey',
  'expire',
  'issuer',
  'audience',
  'clockTolerance',
  'cache',
  'maxTokenLength',
  'list',
  'keys',
  'refreshExpire',
  'jwks',
  'algorithms',
] as const;

const DEFAULTS = {
  alg: 'HS256',
  expire: 3600,
  clockTolerance: 0,
  cache: true,
  maxTokenLength: 8192,
  refreshExpire: 30 * 24 * 3600,
} as const;
/** 10,000 typical tokens take about 8 MB; 64 MiB also holds 10,000 payloads of 6 KB, or ~650 hostile ones. */
const DEFAULT_CACHE = { maxEntries: 10_000, maxBytes: 64 * 2 ** 20 };

export function resolveJwtOptions(
  input: JwtOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedJwtOptions {
  checkSection('jwt', input, KNOWN);
  const options = { ...DEFAULTS, ...input };
  const alg = checkOneOf('jwt.alg', options.alg, JWT_ALGORITHMS);
  return {
    alg,
    keys: options.jwks === undefined ? resolveKeys(alg, options, env) : resolveRemoteKeys(input),
    expire: checkPositiveNumber('jwt.expire', options.expire, { integer: true }),
    refreshExpire: checkPositiveNumber('jwt.refreshExpire', options.refreshExpire, { integer: true }),
    list: options.list === undefined ? undefined : resolveListOptions(options.list),
    issuer: options.issuer === undefined ? undefined : checkString('jwt.issuer', options.issuer),
    audience: options.audience === undefined ? undefined : checkAudience(options.audience),
    clockTolerance: checkNonNegativeNumber('jwt.clockTolerance', options.clockTolerance),
    cache: resolveCache(options.cache),
    maxTokenLength: checkPositiveNumber('jwt.maxTokenLength', options.maxTokenLength, { integer: true }),
  };
}

/** `jwt.jwks`: the provider's keys replace your own, and its tokens must name it and this API. */
function resolveRemoteKeys(input: JwtOptions): RemoteKeySet {
  const own = (['alg', 'secretKey', 'privateKey', 'publicKey', 'keys'] as const).filter(
    (k) => input[k] !== undefined,
  );
  if (own.length > 0) throw JamError.config(`jwt.jwks replaces jwt.${own[0]}: give one or the other`);
  if (input.issuer === undefined || input.audience === undefined) {
    throw JamError.config(
      'jwt.jwks needs jwt.issuer and jwt.audience: a token the provider issued to another tenant or API must not pass',
    );
  }
  const algorithms = input.algorithms ?? ['RS256'];
  if (!Array.isArray(algorithms) || algorithms.length === 0)
    throw JamError.config('jwt.algorithms must be a non-empty array of algorithms');
  algorithms.forEach((alg, i) => {
    if (checkOneOf(`jwt.algorithms[${i}]`, alg, JWT_ALGORITHMS).startsWith('HS'))
      throw JamError.config(`jwt.algorithms[${i}]: ${alg} needs a secret key, which a JWK Set never holds`);
  });
  return new RemoteKeySet(resolveRemoteJwksOptions(input.jwks), algorithms);
}

function resolveKeys(alg: JwtAlgorithm, options: JwtOptions, env: NodeJS.ProcessEnv): JwtKeySet {
  if (options.algorithms !== undefined)
    throw JamError.config('jwt.algorithms applies to jwt.jwks; your own keys carry their own alg');
  if (options.keys === undefined) {
    return JwtKeySet.single(alg, {
      // The config wins over the environment.
      secretKey: options.secretKey ?? env.JAM_JWT_SECRET_KEY,
      privateKey: options.privateKey ?? env.JAM_JWT_PRIVATE_KEY,
      publicKey: options.publicKey ?? env.JAM_JWT_PUBLIC_KEY,
    });
  }
  if (
    options.secretKey !== undefined ||
    options.privateKey !== undefined ||
    options.publicKey !== undefined
  ) {
    throw JamError.config('use either jwt.keys or jwt.secretKey/privateKey/publicKey, not both');
  }
  return JwtKeySet.fromList(alg, options.keys);
}

function checkAudience(value: unknown): string | string[] {
  if (Array.isArray(value) && value.length > 0)
    return value.map((aud, i) => checkString(`jwt.audience[${i}]`, aud));
  if (typeof value === 'string' && value !== '') return value;
  throw JamError.config('jwt.audience must be a non-empty string or array of strings');
}

function resolveCache(cache: unknown): ResolvedJwtOptions['cache'] {
  if (typeof cache === 'boolean' || cache === undefined)
    return checkBoolean('jwt.cache', cache ?? true) ? DEFAULT_CACHE : undefined;
  const { maxEntries = DEFAULT_CACHE.maxEntries, maxBytes = DEFAULT_CACHE.maxBytes } = checkSection(
    'jwt.cache',
    cache,
    ['maxEntries', 'maxBytes'],
  );
  return {
    maxEntries: checkPositiveNumber('jwt.cache.maxEntries', maxEntries, { integer: true }),
    maxBytes: checkPositiveNumber('jwt.cache.maxBytes', maxBytes, { integer: true }),
  };
}
