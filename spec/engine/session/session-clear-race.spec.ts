import { expect } from 'chai';
import { Jam } from 'koa-jam';
import { MANY_SESSIONS } from '../../helpers/many-sessions.js';
import { race } from '../../../test-support/race.js';
import type { RedisServer } from '../../../test-support/redis-server.js';
import { redisOrSkip } from '../../helpers/redis-or-skip.js';
import { sessionClearRacer, type Created, type Timed } from '../../helpers/session-clear-racer.js';

describe('clearSessions across processes sharing one Redis', function () {
  this.timeout(20_000);
  let redis: RedisServer;
  before(async function () {
    redis = await redisOrSkip(this);
  });
  after(async () => redis?.stop());

  it('ends every session created before it, while another process keeps creating', async () => {
    const key = 'raced-user';
    const [created, clears] = (await race(sessionClearRacer, [
      { url: redis.url, role: 'create', key },
      { url: redis.url, role: 'clear', key },
    ])) as [Created[], Timed[]];

    const jam = new Jam({ session: { store: redis.url, storeTimeout: 10_000, maxPerKey: MANY_SESSIONS } });
    try {
      const alive: boolean[] = [];
      for (const s of created) alive.push((await jam.getSession(s.id)) !== null);
      const lastClear = clears.at(-1)!;
      const lastClearStart = Math.max(...clears.map((c) => c.start));
      const before = created.filter((s) => s.end < lastClearStart);
      const after = created.filter((s) => s.start > lastClear.end);
      // The race is real: many creates, several clears, sessions on both sides of them.
      expect(clears.length).to.be.at.least(3);
      expect(before.length).to.be.at.least(20);
      expect(after.length).to.be.at.least(1);
      created.forEach((s, i) => {
        if (s.end < lastClearStart)
          expect(alive[i], 'a session created before a clear survived it').to.equal(false);
        if (s.start > lastClear.end)
          expect(alive[i], 'a session created after the last clear').to.equal(true);
      });
    } finally {
      await jam.close();
    }
  });
});
