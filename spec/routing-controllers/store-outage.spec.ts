import { expect } from 'chai';
import { jamSession } from 'koa-jam';
import request from 'supertest';
import { probeApp } from '../helpers/probe-controllers.js';
import { eventually, useRedisSessions } from '../helpers/redis-sessions.js';

describe('routing-controllers during a session store outage (real redis-server)', function () {
  this.timeout(20_000);
  const shared = useRedisSessions();
  const protectedPaths = ['/probe/any', '/probe/admin', '/probe/me-required', '/probe/payload-required'];

  it('answers 503 on protected actions while the store is down, then recovers', async () => {
    const [{ redis }, jam] = [shared, shared.jams[0]];
    const credential = jamSession(jam, { cookieName: null, headerName: 'Authorization' });
    const app = probeApp({ credential, currentUser: { load: (payload) => ({ name: payload.sub }) } });
    const before = `Bearer ${await jam.createSession('u1', { sub: 'u1', roles: ['admin'] })}`;
    for (const path of protectedPaths) await request(app).get(path).set('Authorization', before).expect(200);

    await redis.stop();
    try {
      for (const path of protectedPaths) {
        const res = await request(app).get(path).set('Authorization', before).expect(503);
        expect(res.body, path).to.deep.equal({ error: 'Service Unavailable' });
      }
      // A public action stays up: the request is anonymous.
      await request(app).get('/probe/me').set('Authorization', before).expect(200, { user: null });
    } finally {
      await redis.start(); // empty: the old session is gone, a new one works
    }
    await eventually(() => request(app).get('/probe/any').set('Authorization', before).expect(401));
    const after = `Bearer ${await jam.createSession('u1', { sub: 'u1', roles: ['admin'] })}`;
    const res = await request(app).get('/probe/user').set('Authorization', after).expect(200);
    expect(res.body).to.deep.equal({ user: { name: 'u1' } });
  });
});
