import KeyvRedis from '@keyv/redis';
import { expect } from 'chai';
import { Jam, MemoryStore } from 'koa-jam';
import Keyv from 'keyv';
import { rejectsWith } from '../../helpers/errors.js';
import { nested, nestedArrays } from '../../helpers/nested.js';
import { redisOrSkip } from '../../helpers/redis-or-skip.js';
import type { RedisServer } from '../../../test-support/redis-server.js';

/** Data a Keyv serializer could change: a `toJSON` member, strings Keyv's default one treats specially. */
const TRICKY = {
  prefs: { toJSON: 'x' },
  toJSON: { nested: ['toJSON'] },
  buffer: ':base64:AAAA',
  colon: ':leading colon',
  list: [':base64:', { toJSON: null }],
};

describe('session data', () => {
  it('refuses data nested deeper than 32 levels with ERR_INVALID_ARGUMENT, whatever the depth', async () => {
    const jam = new Jam({ session: {} });
    const id = await jam.createSession('alice', nested(31));
    expect(await jam.getSession(id)).to.deep.equal(nested(31));
    for (const depth of [33, 5000, 200_000]) {
      const err = await rejectsWith(jam.createSession('alice', nested(depth)), 'ERR_INVALID_ARGUMENT');
      expect(err.message).to.contain('deeper than 32 levels');
      await rejectsWith(jam.updateSession(id, nested(depth)), 'ERR_INVALID_ARGUMENT');
    }
    // A deep array is as deep as deep objects.
    const deepArray = JSON.parse(nestedArrays(40)) as unknown;
    await rejectsWith(jam.createSession('alice', { deepArray }), 'ERR_INVALID_ARGUMENT');
  });

  it("round-trips data whatever the Keyv's serializer does with toJSON members and `:base64:` strings", async () => {
    // The README's own store, with Keyv's default serializer.
    const jam = new Jam({ session: { store: new Keyv({ store: new MemoryStore() }) } });
    const id = await jam.createSession('alice', TRICKY);
    expect(await jam.getSession(id)).to.deep.equal(TRICKY);
    await jam.updateSession(id, { ...TRICKY, more: { toJSON: 1 } });
    expect(await jam.getSession(id)).to.deep.equal({ ...TRICKY, more: { toJSON: 1 } });
  });

  describe('in a Keyv over Redis with its default serializer', () => {
    let redis: RedisServer;
    before(async function () {
      redis = await redisOrSkip(this);
    });
    after(() => redis?.stop());

    it('round-trips the same data', async () => {
      const keyv = new Keyv({ store: new KeyvRedis(redis.url) });
      const jam = new Jam({ session: { store: keyv } });
      try {
        const id = await jam.createSession('alice', TRICKY);
        expect(await jam.getSession(id)).to.deep.equal(TRICKY);
      } finally {
        await jam.close();
        await keyv.disconnect();
      }
    });
  });
});
