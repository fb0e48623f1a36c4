// A child process for the cross-process race: reads refresh tokens (and the jwt.refreshReuseInterval to use),
// says "ready", then on "go" spends them all at once and prints, for each, the new pair or the error code.
import { createInterface } from 'node:readline';
import { Jam, isJamError } from 'koa-jam';
import { SECRET } from './keys.js';

export interface RefreshRace {
  /** A token to verify first, so the store is connected before the start line. */
  warmup: string;
  tokens: string[];
  refreshReuseInterval?: number;
}

async function raceRefresh(storeUrl: string): Promise<void> {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const { warmup, tokens, refreshReuseInterval } = JSON.parse((await lines.next()).value) as RefreshRace;
  const jam = new Jam({
    jwt: { secretKey: SECRET, list: { type: 'black', store: storeUrl }, refreshReuseInterval },
  });
  await jam.verifyJwtToken(warmup); // connects to the store before the start line
  console.log('ready');
  await lines.next();
  const results = await Promise.all(
    tokens.map((token) =>
      jam.refreshTokenPair(token).then(
        (pair) => ({ accessToken: pair.accessToken, refreshToken: pair.refreshToken }),
        (err: unknown) => ({ code: isJamError(err) ? err.code : String(err) }),
      ),
    ),
  );
  console.log(JSON.stringify(results));
  await jam.close();
  process.stdin.destroy();
}

raceRefresh(process.argv[2]).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
