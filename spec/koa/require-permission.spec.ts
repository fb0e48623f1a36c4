import Router from '@koa/router';
import { expect } from 'chai';
import Koa from 'koa';
import { Jam, jamJwt, requirePermission, type JamConfig } from 'koa-jam';
import request from 'supertest';
import { rejectsWith } from '../helpers/errors.js';
import { freePort } from '../../test-support/free-port.js';
import { SECRET } from '../helpers/keys.js';
import {
  PERMISSION_CASES,
  PERMISSION_CONFIG,
  REQUIREMENT_NAMES,
  REQUIREMENTS,
} from '../helpers/permission-cases.js';

function guardedApp(jam: Jam) {
  const router = new Router();
  for (const name of REQUIREMENT_NAMES) {
    router.get(`/${name}`, requirePermission([...[REQUIREMENTS[name]].flat()]), (ctx) => {
      ctx.body = { ok: true };
    });
  }
  const app = new Koa();
  app.silent = true;
  app.use(async (ctx, next) => {
    await next();
    ctx.set('x-auth-error', ctx.state.authError?.code ?? '');
    ctx.set('x-auth-detail', JSON.stringify(ctx.state.authError?.detail ?? null));
  });
  app.use(jamJwt(jam)).use(router.routes());
  return app.callback();
}

describe('requirePermission', () => {
  const jam = new Jam(PERMISSION_CONFIG);
  const app = guardedApp(jam);
  const bearer = async (claims: object) => `Bearer ${await jam.genJwtToken(jam.makePayload(claims))}`;

  for (const { name, claims, allowed } of PERMISSION_CASES) {
    it(`decides ${name} as jam.isAllowed does`, async () => {
      const token = await bearer({ sub: 'u1', ...claims });
      for (const requirement of REQUIREMENT_NAMES) {
        const expected = allowed.includes(requirement) ? 200 : 403;
        const res = await request(app).get(`/${requirement}`).set('Authorization', token);
        expect(res.status, requirement).to.equal(expected);
        if (expected === 403) {
          expect(res.body).to.deep.equal({ error: 'Forbidden' });
          expect(res.headers['x-auth-error']).to.equal('ERR_FORBIDDEN');
          expect(JSON.parse(res.headers['x-auth-detail'])).to.deep.equal({
            permissions: [REQUIREMENTS[requirement]].flat(),
          });
        }
      }
    });
  }

  it('answers 401 to anonymous and invalid credentials', async () => {
    const res = await request(app).get('/ordersRead').expect(401);
    expect(res.body).to.deep.equal({ error: 'Unauthorized' });
    await request(app).get('/ordersRead').set('Authorization', 'Bearer not.a.token').expect(401);
  });

  it('answers 503 when the list store is down, never 403 or 200', async () => {
    const port = await freePort(); // nothing listens: the store is down from the start
    const config: JamConfig = {
      ...PERMISSION_CONFIG,
      jwt: {
        secretKey: SECRET,
        list: { type: 'black', store: `redis://127.0.0.1:${port}`, storeTimeout: 200 },
      },
    };
    const down = new Jam(config);
    try {
      const token = `Bearer ${await down.genJwtToken(down.makePayload({ permissions: ['*'] }))}`;
      const res = await request(guardedApp(down)).get('/ordersRead').set('Authorization', token).expect(503);
      expect(res.body).to.deep.equal({ error: 'Service Unavailable' });
    } finally {
      await down.close();
    }
  });

  it('refuses malformed permissions when the route is declared', async () => {
    for (const bad of ['', 'orders:*', 'a b', [], [42]]) {
      await rejectsWith((async () => requirePermission(bad as string))(), 'ERR_INVALID_ARGUMENT');
    }
  });
});
