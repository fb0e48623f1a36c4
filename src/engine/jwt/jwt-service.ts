import { randomUUID } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import type { Clock } from '../clock.js';
import { decodeCanonicalBase64url } from '../canonical-base64url.js';
import { JamError, type JwtCheck } from '../jam-error.js';
import type { JamPayload } from '../jam-payload.js';
import type { JwkSet, VerifyingKey } from './jwt-key-set.js';
import { JwtList } from './jwt-list.js';
import type { ResolvedJwtOptions } from './jwt-options.js';
import type { JwtAlgorithm } from './jwt-algorithms.js';
import { lowSSpelling } from './low-s-spelling.js';
import { badNumericDate } from './numeric-dates.js';
import { MAX_JSON_DEPTH, walkJson } from '../walk-json.js';
import { VerifiedTokenCache, type CacheStats } from './verified-token-cache.js';

/**
 * The header `typ` of refresh tokens (RFC 8725 §3.11, explicit typing): a verifier that checks `typ` never
 * takes one for an access token (`JWT`).
 */
export const REFRESH_TYP = 'refresh+jwt';

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
  /** ES* on every key: the twins (r, s) and (r, n − s) of a signature share one cache entry. */
  readonly #ecdsaAlg?: JwtAlgorithm;
  readonly #verifyOptions: jsonwebtoken.VerifyOptions & { complete: true };
  /** The revocation list (`jwt.list`), when configured; token pairs keep their spent tokens there too. */
  readonly list?: JwtList;
  readonly #clock: Clock;

  constructor(options: ResolvedJwtOptions, clock: Clock) {
    this.#options = options;
    this.#clock = clock;
    this.#cache = options.cache && new VerifiedTokenCache(options.cache.maxEntries, options.cache.maxBytes);
    const { onlyAlg } = options.keys;
    if (onlyAlg?.startsWith('ES')) this.#ecdsaAlg = onlyAlg;
    const familyLifetime = Math.max(options.expire, options.refreshExpire);
    this.list = options.list && new JwtList(options.list, options.clockTolerance, familyLifetime, clock);
    this.#verifyOptions = {
      issuer: options.issuer,
      audience: options.audience as jsonwebtoken.VerifyOptions['audience'],
      clockTolerance: options.clockTolerance,
      complete: true,
    };
  }

  makePayload<T extends object>(data: T, { exp }: MakePayloadOptions = {}): JamPayload & T {
    if (exp !== undefined && (!Number.isInteger(exp) || exp <= 0)) {
      throw JamError.invalidArgument('makePayload: exp must be a positive integer number of seconds');
    }
    const iat = Math.floor(this.#clock.now() / 1000);
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

  /** `typ`: the header's type, `JWT` unless told (refresh tokens are `refresh+jwt`). */
  sign(payload: JamPayload, typ = 'JWT'): string {
    const signing = this.#options.keys.signing;
    if (signing === undefined) {
      throw JamError.config(
        'genJwtToken needs jwt.privateKey (or a jwt.keys entry with a private or secret key): ' +
          'this instance only has public keys and can only verify',
      );
    }
    const json = serialized(payload);
    try {
      // Signed as serialised here: jsonwebtoken adds an iat to object payloads, and throws on claims named like
      // members of Object.prototype (`constructor`, `__proto__`), which are valid claim names.
      const header = { ...signing.header, typ };
      const token = jsonwebtoken.sign(json, signing.key, { algorithm: signing.alg, header });
      // Low-S, so the twin the cache maps every ES* token to is the token itself.
      return lowSSpelling(token, signing.alg);
    } catch (err) {
      throw JamError.invalidArgument(`genJwtToken: ${(err as Error).message}`, err);
    }
  }

  /** Signature and claim checks, through the cache; the list check is the caller's. */
  async verify(token: unknown, { checkExp = true }: VerifyJwtOptions = {}): Promise<JamPayload> {
    if (typeof token !== 'string' || token.length === 0)
      throw JamError.jwtInvalid('token must be a non-empty string', { check: 'format' });
    if (token.length > this.#options.maxTokenLength)
      throw JamError.jwtInvalid('token is longer than jwt.maxTokenLength', { check: 'format' });
    const nowMs = this.#clock.now();
    const key =
      this.#cache && VerifiedTokenCache.keyOf(this.#ecdsaAlg ? lowSSpelling(token, this.#ecdsaAlg) : token);
    const cached = key && this.#cache!.get(key, nowMs);
    if (cached) return cached;
    // RSA and EC verification decode the signature leniently: without this, one token has 16 spellings.
    // Checked before the key lookup, which for a remote set may fetch.
    if (decodeCanonicalBase64url(token.slice(token.lastIndexOf('.') + 1)) === undefined) {
      throw JamError.jwtInvalid('the signature is not canonical base64url', { check: 'format' });
    }
    const verifier = await this.#options.keys.verifierFor(token);
    const { payload, bytes } = this.#verifyUncached(token, verifier, checkExp, nowMs);
    // Only fully checked tokens are cached; the entry dies at exp, so a hit is never an expired token.
    if (key && checkExp) this.#cache!.set(key, payload, payload.exp! * 1000, bytes);
    return payload;
  }

  /** sign(), then recorded on a white list. */
  async issue(payload: JamPayload): Promise<string> {
    const token = this.sign(payload);
    await this.list?.record(payload);
    return token;
  }

  /**
   * verify() for an access token, then the list check: after the signature (a forged token is never looked
   * up) and after a cache hit (a revoked token is refused even when cached). Costs one bounded store read.
   */
  async check(token: unknown, options: VerifyJwtOptions = {}): Promise<JamPayload> {
    const payload = await this.verify(token, options);
    if (payload.token_use === 'refresh')
      throw JamError.jwtInvalid('a refresh token is not an access token', { check: 'token_use' });
    if (this.list !== undefined && options.checkList !== false) await this.list.check(payload);
    return payload;
  }

  /** Puts a verified token (a token of a pair: its whole family) on the black list, or off the white list. */
  async revoke(token: unknown): Promise<void> {
    if (this.list === undefined)
      throw JamError.config('revokeJwtToken needs a list: add jwt.list to the config');
    await this.list.revoke(await this.verify(token, { checkExp: false }));
  }

  async revokeSubject(sub: unknown): Promise<void> {
    if (this.list === undefined)
      throw JamError.config('revokeSubject needs a list: add jwt.list to the config');
    await this.list.revokeSubject(sub);
  }

  jwks(): JwkSet {
    return this.#options.keys.jwks();
  }

  async close(): Promise<void> {
    await this.list?.close();
  }

  cacheStats(): CacheStats | undefined {
    return this.#cache?.stats();
  }

  /** The payload, frozen, and its estimated size in the cache. */
  #verifyUncached(
    token: string,
    { key, alg }: VerifyingKey,
    checkExp: boolean,
    nowMs: number,
  ): { payload: JamPayload; bytes: number } {
    let decoded: jsonwebtoken.Jwt;
    try {
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
    if ('crit' in decoded.header)
      throw JamError.jwtInvalid('unsupported critical header parameters', { check: 'crit' });
    const payload = decoded.payload as JamPayload;
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      throw JamError.jwtInvalid('payload is not a JSON object', { check: 'format' });
    }
    // The header's type and the payload's token_use must agree, so a refresh token is told apart by either
    // (a cached payload then stands for its type too).
    const typedRefresh = String(decoded.header.typ).toLowerCase() === REFRESH_TYP;
    if (typedRefresh !== (payload.token_use === 'refresh')) {
      throw JamError.jwtInvalid(
        `a refresh token must have typ ${REFRESH_TYP} and token_use refresh, and only a refresh token`,
        { check: 'token_use' },
      );
    }
    if (checkExp && payload.exp === undefined)
      throw JamError.jwtInvalid('token has no exp claim', { check: 'exp' });
    const badDate = badNumericDate(payload);
    if (badDate) throw JamError.jwtInvalid(`${badDate} is not a finite number`, { check: badDate });
    if (payload.iat !== undefined && payload.iat > nowMs / 1000 + this.#options.clockTolerance) {
      throw JamError.jwtInvalid('token was issued in the future', { check: 'iat' });
    }
    // Frozen: one verified payload may be shared by many requests through the cache.
    let bytes = 0;
    walkJson(
      payload,
      (node) => {
        bytes += VerifiedTokenCache.bytesOf(node);
        if (typeof node.value === 'object' && node.value !== null) Object.freeze(node.value);
      },
      () =>
        JamError.jwtInvalid(`payload nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`, {
          check: 'format',
        }),
    );
    return { payload, bytes };
  }
}

// jsonwebtoken's messages name the failed check and never the token; this reads them once, into `check`.
const JSONWEBTOKEN_CHECKS: [RegExp, JwtCheck][] = [
  [/signature/, 'signature'],
  [/algorithm|symmetric|secretOrPublicKey/, 'alg'],
  [/audience/, 'aud'],
  [/issuer/, 'iss'],
  [/\bnbf\b/, 'nbf'],
  [/\bexp\b/, 'exp'],
  [/\biat\b/, 'iat'],
];

function fromJsonWebTokenError(err: unknown): JamError {
  if (err instanceof jsonwebtoken.TokenExpiredError) return JamError.jwtExpired(err);
  if (err instanceof jsonwebtoken.NotBeforeError) return JamError.jwtNotBefore(err);
  // jsonwebtoken's own messages name the failed check and never the token; anything else (JSON.parse's
  // SyntaxError quotes the token's text) gets a fixed reason.
  if (err instanceof jsonwebtoken.JsonWebTokenError) {
    const check = JSONWEBTOKEN_CHECKS.find(([pattern]) => pattern.test(err.message))?.[1] ?? 'format';
    return JamError.jwtInvalid(err.message.replace(/^jwt /, ''), { check, cause: err });
  }
  const reason = err instanceof SyntaxError ? 'header or payload is not JSON' : 'verification failed';
  return JamError.jwtInvalid(reason, { check: 'format', cause: err });
}

/**
 * The JSON genJwtToken signs, checked as it will be read: a `toJSON` member (at any depth) changes what is
 * serialised, so the claims are checked on the serialised text, not on the object the app passed.
 */
function serialized(payload: unknown): string {
  const bad = (problem: string, cause?: unknown) =>
    JamError.invalidArgument(`genJwtToken: ${problem}`, cause);
  let json: string | undefined;
  let signed: unknown;
  try {
    json = JSON.stringify(payload);
    signed = json === undefined ? undefined : JSON.parse(json);
  } catch (err) {
    throw bad(
      err instanceof RangeError ? 'the payload is nested too deeply' : 'the payload is not JSON',
      err,
    );
  }
  if (signed === null || typeof signed !== 'object' || Array.isArray(signed)) {
    throw bad('the payload must be a plain object');
  }
  walkJson(
    signed,
    () => undefined,
    () => bad(`the payload nests deeper than ${MAX_JSON_DEPTH} levels`),
  );
  const badDate = badNumericDate(signed as JamPayload);
  if (badDate) throw bad(`${badDate} must be a number of seconds`);
  return json!;
}
