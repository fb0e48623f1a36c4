import jsonwebtoken from 'jsonwebtoken';
import { JamError, type JwtCheck } from '../jam-error.js';
import type { JamPayload } from '../jam-payload.js';
import { MAX_JSON_DEPTH, walkJson } from '../walk-json.js';
import type { VerifyingKey } from './jwt-key-set.js';
import type { ResolvedJwtOptions } from './jwt-options.js';
import { badNumericDate } from './numeric-dates.js';
import { VerifiedTokenCache } from './verified-token-cache.js';

/**
 * The header `typ` of refresh tokens (RFC 8725 §3.11, explicit typing): a verifier that checks `typ` never
 * takes one for an access token (`JWT`).
 */
export const REFRESH_TYP = 'refresh+jwt';

/**
 * Checks one token with the one key it must be verified with: the signature (the algorithm pinned to the
 * key's), the registered claims, and koa-jam's own rules (no `crit`, header type and `token_use` agree, `exp`
 * present, numeric dates finite, `iat` not in the future, bounded nesting). Every failure is ERR_JWT_INVALID,
 * ERR_JWT_EXPIRED or ERR_JWT_NOT_BEFORE with the failed check in `err.check`.
 */
export class TokenVerifier {
  readonly #options: jsonwebtoken.VerifyOptions & { complete: true };
  readonly #clockTolerance: number;

  constructor({
    issuer,
    audience,
    clockTolerance,
  }: Pick<ResolvedJwtOptions, 'issuer' | 'audience' | 'clockTolerance'>) {
    this.#options = {
      issuer,
      audience: audience as jsonwebtoken.VerifyOptions['audience'],
      clockTolerance,
      complete: true,
    };
    this.#clockTolerance = clockTolerance;
  }

  /** The payload, frozen, and its estimated size in the cache. */
  verify(
    token: string,
    { key, alg }: VerifyingKey,
    checkExp: boolean,
    nowMs: number,
  ): { payload: JamPayload; bytes: number } {
    let decoded: jsonwebtoken.Jwt;
    try {
      decoded = jsonwebtoken.verify(token, key, {
        ...this.#options,
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
    if (payload.iat !== undefined && payload.iat > nowMs / 1000 + this.#clockTolerance) {
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
