import { expect } from 'chai';
import fc from 'fast-check';
import { isJamError, Jam } from 'koa-jam';
import { SECRET } from '../helpers/keys.js';
import { slowKeyv } from '../helpers/slow-store.js';
import { FUZZ_SUITE_TIMEOUT_MS, fuzzSettings } from './fuzz-settings.js';

describe('security: fuzzing the interleavings of a refresh-token replay (fast-check)', function () {
  this.timeout(FUZZ_SUITE_TIMEOUT_MS);

  it('white list: whatever each store call takes, a replayed family ends revoked, and at most one refresh wins', async () => {
    // Each store call's latency, in order of the calls: any interleaving of the two refreshes' calls.
    const latencies = fc.array(fc.integer({ min: 0, max: 25 }), { minLength: 1, maxLength: 24 });
    await fc.assert(
      fc.asyncProperty(latencies, async (ms) => {
        let call = 0;
        const store = slowKeyv(() => ms[call++ % ms.length]);
        const jam = new Jam({ jwt: { secretKey: SECRET, list: { type: 'white', store } } });
        const { accessToken, refreshToken } = await jam.genTokenPair({ sub: 'u1' });
        const outcomes = await Promise.allSettled([
          jam.refreshTokenPair(refreshToken),
          jam.refreshTokenPair(refreshToken),
        ]);
        const won = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
        expect(won.length).to.be.at.most(1);
        for (const o of outcomes) {
          if (o.status === 'rejected')
            expect(isJamError(o.reason, 'ERR_JWT_REVOKED'), String(o.reason)).to.equal(true);
        }
        for (const token of [accessToken, ...won.map((pair) => pair.accessToken)]) {
          const err = await jam.verifyJwtToken(token).catch((e: unknown) => e);
          expect(isJamError(err, 'ERR_JWT_REVOKED'), `family alive after ${JSON.stringify(ms)}`).to.equal(
            true,
          );
        }
        await jam.close();
      }),
      fuzzSettings(0.1),
    );
  });

  it('jwt.refreshReuseInterval: whatever each store call takes, racing refreshes with one token get one and the same pair, and the family lives', async () => {
    const latencies = fc.array(fc.integer({ min: 0, max: 25 }), { minLength: 1, maxLength: 24 });
    const racers = fc.integer({ min: 2, max: 4 });
    const type = fc.constantFrom('black' as const, 'white' as const);
    await fc.assert(
      fc.asyncProperty(latencies, racers, type, async (ms, n, listType) => {
        let call = 0;
        const store = slowKeyv(() => ms[call++ % ms.length]);
        const jam = new Jam({
          jwt: { secretKey: SECRET, list: { type: listType, store }, refreshReuseInterval: 60 },
        });
        const { refreshToken } = await jam.genTokenPair({ sub: 'u1' });
        const pairs = await Promise.all(Array.from({ length: n }, () => jam.refreshTokenPair(refreshToken)));
        for (const pair of pairs) expect(pair, `after ${JSON.stringify(ms)}`).to.deep.equal(pairs[0]);
        expect(await jam.verifyJwtToken(pairs[0].accessToken)).to.include({ sub: 'u1' });
        expect(await jam.refreshTokenPair(pairs[0].refreshToken)).to.have.keys('accessToken', 'refreshToken');
        await jam.close();
      }),
      fuzzSettings(0.1),
    );
  });
});
