import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import Keyv from 'keyv';
import { Jam, type JwtListOptions, type TokenPair } from 'koa-jam';
import { freezeClock } from '../../helpers/clock.js';
import { rejectsWith } from '../../helpers/errors.js';
import { SECRET } from '../../helpers/keys.js';
import { REDIS_KIND, useListJams } from '../../helpers/list-jams.js';
import { race } from '../../../test-support/race.js';
import { refreshRacer, type RefreshRace } from '../../helpers/refresh-racer.js';
import { STORE_KINDS } from '../../helpers/store-kinds.js';

const INTERVAL = 2; // seconds: on Redis real time passes

for (const kind of STORE_KINDS) {
  describe(`jwt.refreshReuseInterval on ${kind.name}`, () => {
    const jams = useListJams(kind);

    for (const type of ['black', 'white'] as JwtListOptions['type'][]) {
      it(`within the interval a spent refresh token gets the same pair again, and after it revokes the family (${type} list)`, async () => {
        const jam = jams.jamWith(type, { refreshReuseInterval: INTERVAL });
        const first = await jam.genTokenPair({ sub: 'u1' });
        const next = await jam.refreshTokenPair(first.refreshToken);
        // A client retrying (its first answer was lost): the same pair, not a third one.
        expect(await jam.refreshTokenPair(first.refreshToken)).to.deep.equal(next);
        await jams.advance((INTERVAL * 1000) / 2);
        expect(await jam.refreshTokenPair(first.refreshToken)).to.deep.equal(next);
        expect(await jam.verifyJwtToken(next.accessToken)).to.include({ sub: 'u1' });

        await jams.advance((INTERVAL * 1000) / 2 + 200);
        await rejectsWith(jam.refreshTokenPair(first.refreshToken), 'ERR_JWT_REVOKED');
        await rejectsWith(jam.verifyJwtToken(next.accessToken), 'ERR_JWT_REVOKED');
        await rejectsWith(jam.refreshTokenPair(next.refreshToken), 'ERR_JWT_REVOKED');
      });
    }

    it('concurrent refreshes with one token in one process all get the same pair; the family rotates on', async () => {
      const jam = jams.jamWith('black', { refreshReuseInterval: INTERVAL });
      const { refreshToken } = await jam.genTokenPair({ sub: 'u2' });
      const pairs = await Promise.all([1, 2, 3, 4].map(() => jam.refreshTokenPair(refreshToken)));
      for (const pair of pairs) expect(pair).to.deep.equal(pairs[0]);
      const after = await jam.refreshTokenPair(pairs[0].refreshToken);
      expect(after.refreshToken).not.to.equal(pairs[0].refreshToken);
      expect(await jam.verifyJwtToken(after.accessToken)).to.include({ sub: 'u2' });
    });
  });
}

describe('jwt.refreshReuseInterval', () => {
  it('is 0 by default: a spent refresh token presented again at once revokes the family', async () => {
    const jam = new Jam({ jwt: { secretKey: SECRET, list: { type: 'black' } } });
    const { refreshToken } = await jam.genTokenPair({ sub: 'u1' });
    const next = await jam.refreshTokenPair(refreshToken);
    await rejectsWith(jam.refreshTokenPair(refreshToken), 'ERR_JWT_REVOKED');
    await rejectsWith(jam.verifyJwtToken(next.accessToken), 'ERR_JWT_REVOKED');
  });

  it('is validated at construction: seconds from 0 to 3600', () => {
    for (const ok of [0, 0.5, 30, 3600])
      expect(() => new Jam({ jwt: { secretKey: SECRET, refreshReuseInterval: ok } })).not.to.throw();
    for (const bad of [-1, 3601, '10', NaN, Infinity, null]) {
      expect(() => new Jam({ jwt: { secretKey: SECRET, refreshReuseInterval: bad as number } }))
        .to.throw('jwt.refreshReuseInterval')
        .with.property('code', 'ERR_CONFIG');
    }
  });

  it('does not bring a logged-out family back: a retry after revocation is refused', async () => {
    const jam = new Jam({ jwt: { secretKey: SECRET, list: { type: 'black' }, refreshReuseInterval: 60 } });
    const { refreshToken } = await jam.genTokenPair({ sub: 'u1' });
    const next = await jam.refreshTokenPair(refreshToken);
    await jam.revokeJwtToken(next.accessToken); // logout
    await rejectsWith(jam.refreshTokenPair(refreshToken), 'ERR_JWT_REVOKED');
  });

  it('a spend that fails in the store hands the held pair to no one: the retry gets a pair of its own, and spends', async () => {
    const clock = freezeClock();
    try {
      const entries = new Map<string, unknown>();
      let failSpend = true;
      const store = {
        get: async (key: string) => entries.get(key),
        set: async (key: string, value: unknown) => {
          if (failSpend && key.includes(':spent:')) throw new Error('connection reset');
          entries.set(key, value);
          return true;
        },
        delete: async (key: string) => entries.delete(key),
        clear: async () => entries.clear(),
      };
      const keyv = new Keyv({ store: store as unknown as Map<string, unknown> });
      const jam = new Jam({
        jwt: { secretKey: SECRET, list: { type: 'black', store: keyv }, refreshReuseInterval: 30 },
      });
      const { refreshToken } = await jam.genTokenPair({ sub: 'u1' });
      await rejectsWith(jam.refreshTokenPair(refreshToken), 'ERR_STORE_UNAVAILABLE');
      failSpend = false;
      const retried = await jam.refreshTokenPair(refreshToken);
      expect(await jam.refreshTokenPair(refreshToken)).to.deep.equal(retried);
      clock.tick(30_001);
      // Spent by the retry: after the interval, reuse.
      await rejectsWith(jam.refreshTokenPair(refreshToken), 'ERR_JWT_REVOKED');
    } finally {
      clock.uninstall();
    }
  });

  it('keeps the pair in the list store only sealed, and only for the interval', async () => {
    const clock = freezeClock();
    try {
      const keyv = new Keyv();
      const map = keyv.store as Map<string, unknown>;
      const jam = new Jam({
        jwt: { secretKey: SECRET, list: { type: 'black', store: keyv }, refreshReuseInterval: 30 },
      });
      const { refreshToken } = await jam.genTokenPair({ sub: 'u1' });
      const next: TokenPair = await jam.refreshTokenPair(refreshToken);
      const stored = () => [...map.entries()].map(([key, value]) => `${key} ${JSON.stringify(value)}`);
      const held = stored().filter((entry) => entry.includes(':reissued:'));
      expect(held).to.have.length(1);
      for (const part of [...next.accessToken.split('.'), ...next.refreshToken.split('.'), '"sub"'])
        expect(stored().join('\n')).not.to.include(part);
      clock.tick(30_001);
      expect(await keyv.get(held[0].split(' ')[0])).to.equal(undefined);
      await rejectsWith(jam.refreshTokenPair(refreshToken), 'ERR_JWT_REVOKED');
    } finally {
      clock.uninstall();
    }
  });
});

describe(`jwt.refreshReuseInterval across two processes on Redis`, function () {
  this.timeout(30_000);
  const jams = useListJams(REDIS_KIND);
  const interval = 4; // long enough for the race on a busy machine; waited out below

  it('both processes presenting the same refresh tokens at once get the same pair; after the interval, reuse revokes', async () => {
    const jam = jams.jamWith('black', { refreshReuseInterval: interval });
    const pairs = await Promise.all(Array.from({ length: 20 }, (_, n) => jam.genTokenPair({ n })));
    const input: RefreshRace = {
      store: jams.store!,
      warmup: pairs[0].accessToken,
      tokens: pairs.map((pair) => pair.refreshToken),
      refreshReuseInterval: interval,
    };
    const [a, b] = await race(refreshRacer, [input, input]);
    for (let i = 0; i < pairs.length; i++) {
      expect(a[i], `token ${i}`).to.have.property('accessToken').that.is.a('string');
      expect(b[i], `token ${i}`).to.deep.equal(a[i]);
      expect(await jam.verifyJwtToken(a[i].accessToken!), 'the family lives on').to.include({ n: i });
    }
    await sleep(interval * 1000 + 200); // the holds began before the race ended
    await rejectsWith(jam.refreshTokenPair(pairs[3].refreshToken), 'ERR_JWT_REVOKED');
    await rejectsWith(jam.verifyJwtToken(a[3].accessToken!), 'ERR_JWT_REVOKED');
    expect(await jam.verifyJwtToken(a[4].accessToken!), 'other families untouched').to.include({ n: 4 });
  });
});
