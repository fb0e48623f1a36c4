import { expect } from 'chai';
import Koa from 'koa';
import { isJamError, Jam, jamSession, requirePayload } from 'koa-jam';
import request from 'supertest';
import { rejectsWith } from '../../helpers/errors.js';
import { eventually } from '../../helpers/eventually.js';
import { recordEvents, type EventRecorder } from '../../helpers/events.js';
import { redisOrSkip } from '../../helpers/redis-or-skip.js';
import type { RedisServer } from '../../../test-support/redis-server.js';

describe('store events (koa-jam:store traces, store.unavailable, store.recovered)', () => {
  let events: EventRecorder;
  beforeEach(() => (events = recordEvents()));
  afterEach(() => events.stop());

  it('traces every store call with the store and the operation, never the key or the value read', async () => {
    const jam = new Jam({ session: {} });
    const id = await jam.createSession('alice', { secret: 'kept-out-of-traces' });
    events.clear();
    expect(await jam.getSession(id)).to.deep.equal({ secret: 'kept-out-of-traces' });
    // Each read (the record, the generation of its session key) is one call, traced start to asyncEnd.
    const traced = events.traces.map((t) => t.event);
    const calls = traced.length / 4;
    expect(calls).to.be.oneOf([1, 2]);
    expect(traced).to.deep.equal(Array(calls).fill(['start', 'end', 'asyncStart', 'asyncEnd']).flat());
    for (const { context } of events.traces) {
      expect(context).to.include({ store: 'session', op: 'read' });
      expect(context.result).to.equal(undefined);
      expect(JSON.stringify(context)).to.not.contain('kept-out-of-traces');
    }
    await jam.close();
  });

  describe('on Redis', function () {
    let redis: RedisServer;
    let jam: Jam;
    before(async function () {
      redis = await redisOrSkip(this);
      jam = new Jam({ session: { store: redis.url, storeTimeout: 300 } });
    });
    after(async () => {
      await jam?.close();
      await redis?.stop();
    });

    it('publishes one store.unavailable per outage, the failed calls as trace errors, and one store.recovered', async () => {
      const id = await eventually(() => jam.createSession('alice', {}));
      const app = new Koa()
        .use(jamSession(jam))
        .use(requirePayload())
        .use((ctx) => (ctx.body = 'ok'));
      events.clear();
      await redis.stop();
      try {
        for (let i = 0; i < 3; i++) await rejectsWith(jam.getSession(id), 'ERR_STORE_UNAVAILABLE');
        await request(app.callback()).get('/').set('Cookie', `sessionId=${id}`).expect(503);
      } finally {
        await redis.start();
      }
      const unavailable = events.of('koa-jam:store.unavailable');
      expect(unavailable).to.have.length(1);
      expect(unavailable[0]).to.include({ store: 'session', op: 'read' });
      expect(unavailable[0].error).to.match(/^session store read failed: /);
      const errors = events.traces.filter((t) => t.event === 'error');
      expect(errors).to.have.length(4);
      for (const { context } of errors) {
        expect(context).to.include({ store: 'session', op: 'read' });
        expect(isJamError(context.error, 'ERR_STORE_UNAVAILABLE')).to.equal(true);
      }
      const [failure, ...more] = events.of('koa-jam:auth.failure');
      expect(more).to.deep.equal([]);
      expect(failure).to.include({ source: 'session', code: 'ERR_STORE_UNAVAILABLE' });
      expect(failure.reason).to.match(/^session store read failed: /);
      expect(events.of('koa-jam:store.recovered')).to.deep.equal([]);

      await eventually(() => jam.getSession(id));
      await jam.getSession(id);
      const recovered = events.of('koa-jam:store.recovered');
      expect(recovered).to.have.length(1);
      expect(recovered[0]).to.include({ store: 'session', op: 'read' });
      expect(recovered[0].downMs).to.be.a('number').and.at.least(0);
      expect(events.of('koa-jam:store.unavailable')).to.have.length(1);
    });
  });
});
