import { Jam, isJamError } from 'koa-jam';
import { declareRacer } from '../../test-support/race.js';
import { SECRET } from './keys.js';

export interface RefreshRace {
  /** The black list's store, shared by the racing processes. */
  store: string;
  /** An access token to verify before the start, so the store is connected when the race begins. */
  warmup: string;
  /** Refresh tokens to spend, all at once. */
  tokens: string[];
  /** `jwt.refreshReuseInterval` (default 0). */
  refreshReuseInterval?: number;
}

/** For each token: the new pair, or the error code. */
export interface RefreshOutcome {
  accessToken?: string;
  refreshToken?: string;
  code?: string;
}

/** One process spending refresh tokens in a race (spec/engine/jwt/token-pairs.spec.ts). */
export const refreshRacer = declareRacer(
  module,
  async ({ store, warmup, tokens, refreshReuseInterval }: RefreshRace) => {
    // A loaded machine must not turn this correctness test into a timing one.
    const list = { type: 'black', store, storeTimeout: 10_000 } as const;
    const jam = new Jam({ jwt: { secretKey: SECRET, list, refreshReuseInterval } });
    await jam.verifyJwtToken(warmup);
    return {
      run: () =>
        Promise.all(
          tokens.map((token) =>
            jam.refreshTokenPair(token).then(
              (pair): RefreshOutcome => ({ ...pair }),
              (err: unknown): RefreshOutcome => ({ code: isJamError(err) ? err.code : String(err) }),
            ),
          ),
        ),
      close: () => jam.close(),
    };
  },
);
