import { expect } from 'chai';
import { createTestJam } from 'koa-jam/testing';
import request from 'supertest';
import { createSessionApp } from '../../examples/session-app.js';
import type { RedisServer } from '../../test-support/redis-server.js';
import { eventually } from '../helpers/eventually.js';
import { useRedisSessions } from '../helpers/redis-sessions.js';

type App = ReturnType<ReturnType<typeof createSessionApp>['callback']>;

async function login(app: App, username = 'alice'): Promise<string> {
  const res = await request(app)
    .post('/login')
    .send({ username, password: `${username}-password` })
    .expect(200);
  const cookie = (res.headers['set-cookie'] as unknown as string[])[0];
  return cookie.split(';')[0];
}

describe('examples/session-app', () => {
  const jam = createTestJam({ session: { ttl: 600 } });
  const app = createSessionApp(jam).callback();
  after(() => jam.close());

  it('logs in with a session cookie, then shows the session data', async () => {
    const cookie = await login(app);
    expect(cookie).to.match(/^sessionId=[A-Za-z0-9_-]{54}$/);
    const me = await request(app).get('/get_user').set('Cookie', cookie).expect(200);
    expect(me.body).to.deep.equal({ user: 1, username: 'alice' });
  });

  it('serves a session made by the test helper, until its ttl has passed on the test clock', async () => {
    const cookie = await jam.sessionCookie({ user: 2, username: 'bob' }, { sessionKey: 'bob' });
    await request(app).get('/get_user').set('Cookie', cookie).expect(200, { user: 2, username: 'bob' });
    jam.clock.advance(600_000);
    await request(app).get('/get_user').set('Cookie', cookie).expect(403);
  });

  it('refuses a wrong password and answers 403 without a valid session', async () => {
    await request(app).post('/login').send({ username: 'alice', password: 'nope' }).expect(401);
    await request(app).get('/get_user').expect(403);
    await request(app).get('/get_user').set('Cookie', 'sessionId=forged').expect(403);
  });

  it('logout ends the session and clears the cookie', async () => {
    const cookie = await login(app);
    const res = await request(app).post('/logout').set('Cookie', cookie).expect(204);
    expect((res.headers['set-cookie'] as unknown as string[])[0]).to.match(/^sessionId=;/);
    await request(app).get('/get_user').set('Cookie', cookie).expect(403);
  });

  it('logout-all ends every session of the user, and no one else’s', async () => {
    const [laptop, phone, root] = [await login(app), await login(app), await login(app, 'root')];
    await request(app).post('/logout-all').set('Cookie', laptop).expect(204);
    await request(app).get('/get_user').set('Cookie', phone).expect(403);
    await request(app).get('/get_user').set('Cookie', root).expect(200);
  });

  it('a new login replaces the session the browser had', async () => {
    const first = await login(app);
    const res = await request(app)
      .post('/login')
      .set('Cookie', first)
      .send({ username: 'alice', password: 'alice-password' });
    expect(res.status).to.equal(200);
    await request(app).get('/get_user').set('Cookie', first).expect(403);
  });

  it('refuses a cross-site logout (CSRF), which leaves the session alone', async () => {
    const cookie = await login(app);
    await request(app)
      .post('/logout-all')
      .set('Cookie', cookie)
      .set('Origin', 'https://evil.example')
      .set('Sec-Fetch-Site', 'cross-site')
      .expect(403, { error: 'Forbidden' });
    await request(app).get('/get_user').set('Cookie', cookie).expect(200);
  });

  describe('with Redis (JAM_STORE_URL)', function () {
    this.timeout(20_000);
    const shared = useRedisSessions(2);
    let redis: RedisServer;
    let apps: App[];
    before(() => {
      redis = shared.redis;
      apps = shared.jams.map((jam) => {
        const koa = createSessionApp(jam);
        koa.silent = true; // the outage spec makes Koa log its 503s otherwise
        return koa.callback();
      });
    });

    it('two app instances share sessions: created through one, valid and cleared through the other', async () => {
      const cookie = await login(apps[0]);
      await request(apps[1])
        .get('/get_user')
        .set('Cookie', cookie)
        .expect(200, { user: 1, username: 'alice' });
      await request(apps[1]).post('/logout-all').set('Cookie', cookie).expect(204);
      await request(apps[0]).get('/get_user').set('Cookie', cookie).expect(403);
    });

    it('answers 503 while Redis is down, without crashing, and works again once it is back', async () => {
      const cookie = await login(apps[0]);
      await redis.stop();
      try {
        const down = await request(apps[0]).get('/get_user').set('Cookie', cookie);
        expect(down.status).to.equal(503);
        expect(down.text).to.equal('Service Unavailable');
        const refused = await request(apps[1])
          .post('/login')
          .send({ username: 'alice', password: 'alice-password' });
        expect(refused.status).to.equal(503);
        expect(refused.headers['set-cookie'], 'no cookie for a session that was not stored').to.equal(
          undefined,
        );
      } finally {
        await redis.start();
      }
      await eventually(() =>
        request(apps[1]).post('/login').send({ username: 'alice', password: 'alice-password' }).expect(200),
      );
    });
  });
});
