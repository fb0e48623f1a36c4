import { randomUUID } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import type { Clock } from '../clock.js';
import { decodeCanonicalBase64url } from '../canonical-base64url.js';
import { JamError } from '../jam-error.js';
import type { JamPayload } from '../jam-payload.js';
import type { JwkSet } from './jwt-key-set.js';
import { JwtList } from './jwt-list.js';
import type { ResolvedJwtOptions } from './jwt-options.js';
import type { JwtAlgorithm } from './jwt-algorithms.js';
import { lowSSpelling } from './low-s-spelling.js';
import { badNumericDate } from './numeric-dates.js';
import { MAX_JSON_DEPTH, walkJson } from '../walk-json.js';
import { TokenVerifier } from './token-verifier.js';
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
  /** ES* on every key: the twins (r, s) and (r, n − s) of a signature share one cache entry. */
  readonly #ecdsaAlg?: JwtAlgorithm;
  readonly #verifier: TokenVerifier;
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
    this.#verifier = new TokenVerifier(options);
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
    const { payload, bytes } = this.#verifier.verify(token, verifier, checkExp, nowMs);
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
