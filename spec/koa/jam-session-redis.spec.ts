import { expect } from 'chai';
import Koa from 'koa';
import { Jam, jamSession, requirePayload } from 'koa-jam';
import request from 'supertest';
import type { RedisServer } from '../../test-support/redis-server.js';
import { useRedisSessions } from '../helpers/redis-sessions.js';

describe('jamSession on Redis', function () {
  this.timeout(20_000);
  const shared = useRedisSessions();
  let redis: RedisServer;
  let jam: Jam;
  before(() => ([redis, jam] = [shared.redis, shared.jams[0]]));

  function app() {
    const koa = new Koa();
    koa.use(jamSession(jam));
    koa.use(async (ctx, next) => {
      await next();
      ctx.set('X-Reason', ctx.state.authError?.code ?? 'none');
    });
    koa.use(requirePayload());
    koa.use((ctx) => (ctx.body = ctx.state.payload));
    return koa.callback();
  }

  it('while Redis is down: payload null with ERR_STORE_UNAVAILABLE, and requirePayload answers 503 (not 401)', async () => {
    const id = await jam.createSession('alice', { user: 1 });
    await request(app()).get('/').set('Cookie', `sessionId=${id}`).expect(200, { user: 1 });
    await redis.stop();
    try {
      const res = await request(app()).get('/').set('Cookie', `sessionId=${id}`);
      expect(res.status).to.equal(503);
      expect(res.body).to.deep.equal({ error: 'Service Unavailable' });
      expect(res.headers['x-reason']).to.equal('ERR_STORE_UNAVAILABLE');
      expect(res.headers['www-authenticate']).to.equal(undefined);
      // A request without a session needs no store: still a plain 401.
      await request(app()).get('/').expect(401);
    } finally {
      await redis.start();
    }
  });
});
