import { randomUUID } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import { decodeCanonicalBase64url } from '../canonical-base64url.js';
import { JamError } from '../jam-error.js';
import type { JamPayload } from '../jam-payload.js';
import { configError } from '../config/option-checks.js';
import { invalid } from './jwt-errors.js';
import type { JwkSet } from './jwt-key-set.js';
import { JwtList } from './jwt-list.js';
import type { ResolvedJwtOptions } from './jwt-options.js';
import { badNumericDate } from './numeric-dates.js';
import { TokenPairs } from './token-pairs.js';
import { VerifiedTokenCache, type CacheStats } from './verified-token-cache.js';

/** Options of `jam.makePayload`. */
export interface MakePayloadOptions {
  /** Lifetime in seconds, instead of the configured `expire`. */
  exp?: number;
}

/** Options of `jam.verifyJwtToken`. */
export interface VerifyJwtOptions {
  /** Reject expired tokens and tokens without `exp`. Default true. */
  checkExp?: boolean;
  /** Consult the revocation list when one is configured. Default true. */
  checkList?: boolean;
}

/** Issues and verifies JWTs for one Jam instance; knows nothing of HTTP. */
export class JwtService {
  readonly #options: ResolvedJwtOptions;
  readonly #cache?: VerifiedTokenCache;
  readonly #verifyOptions: jsonwebtoken.VerifyOptions & { complete: true };
  readonly #list?: JwtList;
  /** genTokenPair / refreshTokenPair. */
  readonly pairs: TokenPairs;

  constructor(options: ResolvedJwtOptions) {
    this.#options = options;
    this.#cache = options.cacheSize > 0 ? new VerifiedTokenCache(options.cacheSize) : undefined;
    const familyLifetime = Math.max(options.expire, options.refreshExpire);
    this.#list = options.list && new JwtList(options.list, options.clockTolerance, familyLifetime);
    this.#verifyOptions = {
      issuer: options.issuer,
      audience: options.audience as jsonwebtoken.VerifyOptions['audience'],
      clockTolerance: options.clockTolerance,
      complete: true,
    };
    this.pairs = new TokenPairs(this, this.#list, options.refreshExpire);
  }

  makePayload<T extends object>(data: T, { exp }: MakePayloadOptions = {}): JamPayload & T {
    if (exp !== undefined && (!Number.isInteger(exp) || exp <= 0)) {
      throw new JamError(
        'ERR_INVALID_ARGUMENT',
        'makePayload: exp must be a positive integer number of seconds',
      );
    }
    const iat = Math.floor(Date.now() / 1000);
    const { issuer, audience } = this.#options;
    return {
      iat,
      exp: iat + (exp ?? this.#options.expire),
      jti: randomUUID(),
      ...(issuer === undefined ? {} : { iss: issuer }),
      ...(audience === undefined ? {} : { aud: audience }),
      ...data,
    };
  }

  sign(payload: JamPayload): string {
    const signing = this.#options.keys.signing;
    if (signing === undefined) {
      throw configError(
        'genJwtToken needs jwt.privateKey (or a jwt.keys entry with a private or secret key): ' +
          'this instance only has public keys and can only verify',
      );
    }
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      throw new JamError('ERR_INVALID_ARGUMENT', 'genJwtToken: the payload must be a plain object');
    }
    const badDate = badNumericDate(payload);
    if (badDate)
      throw new JamError('ERR_INVALID_ARGUMENT', `genJwtToken: ${badDate} must be a number of seconds`);
    try {
      // Serialised here: jsonwebtoken adds an iat to object payloads, and throws on claims named like members
      // of Object.prototype (`constructor`, `__proto__`), which are valid claim names.
      return jsonwebtoken.sign(JSON.stringify(payload), signing.key, {
        algorithm: signing.alg,
        header: signing.header,
      });
    } catch (err) {
      throw new JamError('ERR_INVALID_ARGUMENT', `genJwtToken: ${(err as Error).message}`, { cause: err });
    }
  }

  /** Signature and claim checks, through the cache; the list check is the caller's. */
  verify(token: unknown, { checkExp = true }: VerifyJwtOptions = {}): JamPayload {
    if (typeof token !== 'string' || token.length === 0) throw invalid('token must be a non-empty string');
    if (token.length > this.#options.maxTokenLength) throw invalid('token is longer than jwt.maxTokenLength');
    const nowMs = Date.now();
    const key = this.#cache && VerifiedTokenCache.keyOf(token);
    const cached = key && this.#cache!.get(key, nowMs);
    if (cached) return cached;
    const payload = this.#verifyUncached(token, checkExp, nowMs);
    // Only fully checked tokens are cached; the entry dies at exp, so a hit is never an expired token.
    if (key && checkExp) this.#cache!.set(key, payload, payload.exp! * 1000);
    return payload;
  }

  /** sign(), then recorded on a white list. */
  async issue(payload: JamPayload): Promise<string> {
    const token = this.sign(payload);
    await this.#list?.record(payload);
    return token;
  }

  /**
   * verify() for an access token, then the list check: after the signature (a forged token is never looked
   * up) and after a cache hit (a revoked token is refused even when cached). Costs one bounded store read.
   */
  async check(token: unknown, options: VerifyJwtOptions = {}): Promise<JamPayload> {
    const payload = this.verify(token, options);
    if (payload.token_use === 'refresh') throw invalid('a refresh token is not an access token');
    if (this.#list !== undefined && options.checkList !== false) await this.#list.check(payload);
    return payload;
  }

  /** Puts a verified token (a token of a pair: its whole family) on the black list, or off the white list. */
  async revoke(token: unknown): Promise<void> {
    if (this.#list === undefined)
      throw configError('revokeJwtToken needs a list: add jwt.list to the config');
    await this.#list.revoke(this.verify(token, { checkExp: false }));
  }

  jwks(): JwkSet {
    return this.#options.keys.jwks();
  }

  async close(): Promise<void> {
    await this.#list?.close();
  }

  cacheStats(): CacheStats | undefined {
    return this.#cache?.stats();
  }

  #verifyUncached(token: string, checkExp: boolean, nowMs: number): JamPayload {
    // RSA and EC verification decode the signature leniently: without this, one token has 16 spellings.
    if (decodeCanonicalBase64url(token.slice(token.lastIndexOf('.') + 1)) === undefined) {
      throw invalid('the signature is not canonical base64url');
    }
    let decoded: jsonwebtoken.Jwt;
    try {
      const { key, alg } = this.#options.keys.verifierFor(token);
      decoded = jsonwebtoken.verify(token, key, {
        ...this.#verifyOptions,
        algorithms: [alg], // pinned: the token header never picks the algorithm
        ignoreExpiration: !checkExp,
        clockTimestamp: Math.floor(nowMs / 1000),
      });
    } catch (err) {
      throw err instanceof JamError ? err : fromJsonWebTokenError(err);
    }
    // RFC 7515 §4.1.11: extensions listed in `crit` must be understood, and koa-jam implements none.
    if ('crit' in decoded.header) throw invalid('unsupported critical header parameters');
    const payload = decoded.payload as JamPayload;
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      throw invalid('payload is not a JSON object');
    }
    if (checkExp && payload.exp === undefined) throw invalid('token has no exp claim');
    const badDate = badNumericDate(payload);
    if (badDate) throw invalid(`${badDate} is not a finite number`);
    if (payload.iat !== undefined && payload.iat > nowMs / 1000 + this.#options.clockTolerance) {
      throw invalid('token was issued in the future');
    }
    // Frozen: one verified payload may be shared by many requests through the cache.
    return deepFreeze(payload);
  }
}

function fromJsonWebTokenError(err: unknown): JamError {
  if (err instanceof jsonwebtoken.TokenExpiredError)
    return new JamError('ERR_JWT_EXPIRED', 'token has expired', { cause: err });
  if (err instanceof jsonwebtoken.NotBeforeError)
    return new JamError('ERR_JWT_NOT_BEFORE', 'token is not valid yet', { cause: err });
  // jsonwebtoken's messages name the failed check (signature, algorithm, audience...) and never the token.
  return invalid(err instanceof Error ? err.message.replace(/^jwt /, '') : 'verification failed', err);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
