import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { Jam } from 'koa-jam';
import { rejectsWith } from '../../helpers/errors.js';
import { redisOrSkip } from '../../helpers/redis-or-skip.js';
import type { RedisServer } from '../../../test-support/redis-server.js';
import { eventually } from '../../helpers/eventually.js';
import { useRedisSessions } from '../../helpers/redis-sessions.js';

describe('sessions on Redis', function () {
  this.timeout(20_000);
  const shared = useRedisSessions();
  let redis: RedisServer;
  let jam: Jam;
  before(() => ([redis, jam] = [shared.redis, shared.jams[0]]));

  it('holds only hashes: a dump of Redis yields no session id and no session key', async () => {
    const ids = [
      await jam.createSession('alice@example.com', { user: 1 }),
      await jam.createSession('bob', {}),
    ];
    await jam.clearSessions('bob');
    const cli = (...args: string[]) =>
      spawnSync('redis-cli', ['-p', String(redis.port), ...args], { encoding: 'utf8' }).stdout.trim();
    const keys = cli('--scan').split('\n');
    expect(keys.length).to.be.at.least(3);
    const dump = keys.map((key) => `${key} ${cli('GET', key)}`).join('\n');
    for (const secret of [...ids, 'alice@example.com', 'bob']) expect(dump).not.to.contain(secret);
    expect(keys.every((key) => key.includes('jam:session:'))).to.equal(true);
  });

  it('a stopped Redis: every method rejects with ERR_STORE_UNAVAILABLE, none answers an id; it recovers on restart', async () => {
    const id = await jam.createSession('alice', { user: 1 });
    await redis.stop();
    try {
      await rejectsWith(jam.createSession('alice', { user: 1 }), 'ERR_STORE_UNAVAILABLE');
      await rejectsWith(jam.getSession(id), 'ERR_STORE_UNAVAILABLE');
      await rejectsWith(jam.updateSession(id, { user: 2 }), 'ERR_STORE_UNAVAILABLE');
      await rejectsWith(jam.reworkSession(id), 'ERR_STORE_UNAVAILABLE');
      await rejectsWith(jam.deleteSession(id), 'ERR_STORE_UNAVAILABLE');
      await rejectsWith(jam.clearSessions('alice'), 'ERR_STORE_UNAVAILABLE');
    } finally {
      await redis.start();
    }
    const fresh = await eventually(() => jam.createSession('alice', { user: 3 }));
    expect(await jam.getSession(fresh)).to.deep.equal({ user: 3 });
    expect(await jam.getSession(id), 'the restarted Redis is empty').to.equal(null);
  });

  it('a Redis that is not up yet when the app starts: calls fail within storeTimeout, then work once it is', async () => {
    await redis.stop();
    const early = new Jam({ session: { store: redis.url, storeTimeout: 300 } });
    try {
      await rejectsWith(early.createSession('alice', { user: 1 }), 'ERR_STORE_UNAVAILABLE');
    } finally {
      await redis.start();
    }
    try {
      const id = await eventually(() => early.createSession('alice', { user: 1 }));
      expect(await early.getSession(id)).to.deep.equal({ user: 1 });
    } finally {
      await early.close();
    }
  });

  it('a hung Redis: a call that gets no answer gives up after storeTimeout', async () => {
    // The shared client may still be reconnecting after the previous spec's restart.
    const id = await eventually(() => jam.createSession('alice', { user: 1 }));
    redis.pause();
    try {
      const err = await rejectsWith(jam.getSession(id), 'ERR_STORE_UNAVAILABLE');
      expect(err.message).to.equal('session store read failed: no answer within 300 ms');
      await rejectsWith(jam.createSession('alice', {}), 'ERR_STORE_UNAVAILABLE');
    } finally {
      redis.resume();
    }
    expect(await eventually(() => jam.getSession(id))).to.deep.equal({ user: 1 });
  });
});

describe('jam.close()', () => {
  it('closes the Redis connection it opened, so the process exits by itself', async function () {
    this.timeout(20_000);
    const redis = await redisOrSkip(this);
    try {
      const script = `
        const { Jam } = require('koa-jam');
        const jam = new Jam({ session: { store: ${JSON.stringify(redis.url)} } });
        jam.createSession('alice', { user: 1 }).then(() => jam.close()).then(() => console.log('closed'));`;
      const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
      expect(run.signal, 'still running after 10 s').to.equal(null);
      expect(run.stdout.trim()).to.equal('closed');
      expect(run.status).to.equal(0);
    } finally {
      await redis.stop();
    }
  });
});
