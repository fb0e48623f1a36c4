import { expect } from 'chai';
import { Jam, jamJwt, jamSession } from 'koa-jam';
import type { Middleware } from 'koa';
import request from 'supertest';
import { SECRET } from '../helpers/keys.js';
import { probeApp } from '../helpers/probe-controllers.js';
import { eventually } from '../helpers/eventually.js';
import { useRedisSessions } from '../helpers/redis-sessions.js';

interface Credential {
  name: string;
  jam(url: string): Jam;
  middleware(jam: Jam): Middleware;
  issue(jam: Jam): Promise<string>;
}

const claims = { sub: 'u1', roles: ['admin'] };
const CREDENTIALS: Credential[] = [
  {
    name: 'a session (jamSession)',
    jam: (url) => new Jam({ session: { store: url, storeTimeout: 300 } }),
    middleware: (jam) => jamSession(jam, { cookieName: null, headerName: 'Authorization' }),
    issue: (jam) => jam.createSession('u1', claims),
  },
  {
    name: 'a JWT checked against a black list (jamJwt)',
    jam: (url) =>
      new Jam({ jwt: { secretKey: SECRET, list: { type: 'black', store: url, storeTimeout: 300 } } }),
    middleware: (jam) => jamJwt(jam),
    issue: (jam) => jam.genJwtToken(jam.makePayload(claims)),
  },
];

describe('routing-controllers during a store outage (real redis-server)', function () {
  this.timeout(20_000);
  const shared = useRedisSessions(0);
  const protectedPaths = ['/probe/any', '/probe/admin', '/probe/me-required', '/probe/payload-required'];

  for (const credential of CREDENTIALS) {
    it(`answers 503 on protected actions for ${credential.name}, then recovers`, async () => {
      const { redis } = shared;
      const jam = credential.jam(redis.url);
      try {
        const app = probeApp({
          credential: credential.middleware(jam),
          currentUser: { load: (payload) => ({ name: payload.sub }) },
        });
        const before = `Bearer ${await credential.issue(jam)}`;
        for (const path of protectedPaths)
          await request(app).get(path).set('Authorization', before).expect(200);

        await redis.stop();
        try {
          for (const path of protectedPaths) {
            const res = await request(app).get(path).set('Authorization', before).expect(503);
            expect(res.body, path).to.deep.equal({ error: 'Service Unavailable' });
          }
          // A public action stays up: the request is anonymous.
          await request(app).get('/probe/me').set('Authorization', before).expect(200, { user: null });
        } finally {
          await redis.start(); // empty: sessions are gone, the black list too
        }
        await eventually(async () => {
          const res = await request(app).get('/probe/any').set('Authorization', before);
          expect(res.status).not.to.equal(503);
        });
        const after = `Bearer ${await credential.issue(jam)}`;
        const res = await request(app).get('/probe/user').set('Authorization', after).expect(200);
        expect(res.body).to.deep.equal({ user: { name: 'u1' } });
      } finally {
        await jam.close();
      }
    });
  }
});
