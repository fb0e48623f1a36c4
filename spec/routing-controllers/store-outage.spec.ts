import { expect } from 'chai';
import { Jam, jamSession } from 'koa-jam';
import request from 'supertest';
import { probeApp } from '../helpers/probe-controllers.js';
import { redisOrSkip, type RedisServer } from '../helpers/redis-server.js';

describe('routing-controllers during a session store outage (real redis-server)', () => {
  let redis: RedisServer;
  let jam: Jam;
  let app: ReturnType<typeof probeApp>;

  before(async function () {
    redis = await redisOrSkip(this);
    jam = new Jam({ session: { store: redis.url, storeTimeout: 300 } });
    const credential = jamSession(jam, { cookieName: null, headerName: 'Authorization' });
    app = probeApp({ credential, currentUser: { load: (payload) => ({ name: payload.sub }) } });
  });
  after(async () => {
    await jam?.close();
    await redis?.stop();
  });

  const protectedPaths = ['/probe/any', '/probe/admin', '/probe/me-required', '/probe/payload-required'];

  it('answers 503 on protected actions while the store is down, then recovers', async () => {
    const before = `Bearer ${await jam.createSession('u1', { sub: 'u1', roles: ['admin'] })}`;
    for (const path of protectedPaths) await request(app).get(path).set('Authorization', before).expect(200);

    await redis.stop();
    for (const path of protectedPaths) {
      const res = await request(app).get(path).set('Authorization', before).expect(503);
      expect(res.body, path).to.deep.equal({ error: 'Service Unavailable' });
    }
    // A public action stays up: the request is anonymous.
    await request(app).get('/probe/me').set('Authorization', before).expect(200, { user: null });

    await redis.start(); // empty: the old session is gone, a new one works
    const reconnected = Date.now() + 5000; // the client reconnects with a backoff of up to 2 s
    let status = 503;
    while (status === 503 && Date.now() < reconnected) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await request(app).get('/probe/any').set('Authorization', before)).status;
    }
    expect(status).to.equal(401);
    const after = `Bearer ${await jam.createSession('u1', { sub: 'u1', roles: ['admin'] })}`;
    const res = await request(app).get('/probe/user').set('Authorization', after).expect(200);
    expect(res.body).to.deep.equal({ user: { name: 'u1' } });
  });
});
