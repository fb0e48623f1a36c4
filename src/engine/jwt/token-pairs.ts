import { randomUUID } from 'node:crypto';
import { publish } from '../jam-events.js';
import { JamError } from '../jam-error.js';
import type { JamPayload } from '../jam-payload.js';
import { subjectOf, type JwtList } from './jwt-list.js';
import type { JwtService } from './jwt-service.js';
import { REFRESH_TYP } from './token-verifier.js';
import { openByToken, sealByToken } from './sealed-by-token.js';

/** What `genTokenPair` and `refreshTokenPair` return: the two tokens of one login. */
export interface TokenPair {
  /** Lives `jwt.expire` seconds; sent with requests. */
  accessToken: string;
  /** Lives `jwt.refreshExpire` seconds; spent by `refreshTokenPair`, only once. */
  refreshToken: string;
}

/** Claims koa-jam sets on the tokens of a pair; they are not carried over from one pair to the next. */
const PAIR_CLAIMS = ['iat', 'exp', 'nbf', 'jti', 'iss', 'aud', 'fam', 'token_use'];

/**
 * Access + refresh tokens with rotation. Both carry `fam`, the family of one login, and `token_use`, so one
 * can never be used as the other. A refresh token is spent on use; presenting it again means it was copied,
 * so the whole family is revoked (RFC 9700 §4.14.2) — unless it comes back within `jwt.refreshReuseInterval`
 * of the spend (a client retrying), which gets the same new pair again.
 */
export class TokenPairs {
  readonly #jwt: JwtService;
  readonly #list?: JwtList;
  readonly #refreshExpire: number;
  readonly #reuseMs: number;

  /** @param reuseInterval seconds after a spend during which the spent token gets the same pair again. */
  constructor(jwt: JwtService, list: JwtList | undefined, refreshExpire: number, reuseInterval: number) {
    this.#jwt = jwt;
    this.#list = list;
    this.#refreshExpire = refreshExpire;
    this.#reuseMs = reuseInterval * 1000;
  }

  /** A new family: an access token (`jwt.expire`) and a refresh token (`jwt.refreshExpire`) for `data`. */
  async generate<T extends object>(data: T): Promise<TokenPair> {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw JamError.invalidArgument('genTokenPair: data must be a plain object');
    }
    return this.#issue(data, randomUUID());
  }

  /** Spends the refresh token and returns the next pair of its family. */
  async refresh(refreshToken: unknown): Promise<TokenPair> {
    const list = this.#needList('refreshTokenPair');
    const payload = await this.#jwt.verify(refreshToken);
    if (payload.token_use !== 'refresh' || typeof payload.fam !== 'string') {
      throw JamError.jwtInvalid('not a refresh token', { check: 'token_use' });
    }
    await list.check(payload);
    if (this.#reuseMs > 0) return this.#refreshWithGrace(list, refreshToken as string, payload);
    if (!(await list.spend(payload))) return this.#reused(list, payload);
    return this.#issue(dataOf(payload), payload.fam);
  }

  /**
   * The first presentation of the token holds the new pair, sealed under the token, for the reuse interval,
   * then spends the token; a presentation while it is held (however close: the hold is atomic) opens the same
   * pair. Once the hold has expired, a presentation finds the token spent: reuse, as without an interval.
   */
  async #refreshWithGrace(list: JwtList, token: string, payload: JamPayload): Promise<TokenPair> {
    const jti = String(payload.jti);
    const { pair, refresh } = this.#build(dataOf(payload), payload.fam as string);
    if (await list.hold(payload, sealByToken(pair, token, jti), this.#reuseMs)) {
      const spent = await list.spend(payload).catch(async (err: unknown) => {
        // The token is not spent: its held pair must not be handed out. A retry starts afresh (if the
        // store lets this delete through; if not, the hold expires with the interval).
        await list.release(payload).catch(() => undefined);
        throw err;
      });
      if (!spent) return this.#reused(list, payload);
      await list.record(refresh);
      return pair;
    }
    const held = openByToken<TokenPair>(await list.held(payload), token, jti);
    return held ?? this.#reused(list, payload); // the hold expired in between: the interval is over
  }

  async #reused(list: JwtList, payload: JamPayload): Promise<never> {
    publish('refresh.reuse', () => ({ sub: subjectOf(payload), family: payload.fam as string }));
    await list.revoke(payload);
    throw JamError.jwtRevoked('refresh token was already used: its whole family is revoked');
  }

  async #issue(data: object, fam: string): Promise<TokenPair> {
    const list = this.#needList('genTokenPair');
    const { pair, refresh } = this.#build(data, fam);
    await list.record(refresh);
    return pair;
  }

  /** The next pair of the family, and the refresh token's payload (to record on a white list). */
  #build(data: object, fam: string): { pair: TokenPair; refresh: JamPayload } {
    const claims = (tokenUse: string, exp?: number) => ({
      ...data,
      ...this.#jwt.makePayload({}, { exp }),
      fam,
      token_use: tokenUse,
    });
    const refresh = claims('refresh', this.#refreshExpire);
    const pair = {
      accessToken: this.#jwt.sign(claims('access')),
      refreshToken: this.#jwt.sign(refresh, REFRESH_TYP),
    };
    return { pair, refresh };
  }

  #needList(method: string): JwtList {
    if (this.#list === undefined) {
      throw JamError.config(
        `${method} needs jwt.list: spent refresh tokens and revoked families are kept there`,
      );
    }
    return this.#list;
  }
}

function dataOf(payload: JamPayload): object {
  return Object.fromEntries(Object.entries(payload).filter(([claim]) => !PAIR_CLAIMS.includes(claim)));
}
