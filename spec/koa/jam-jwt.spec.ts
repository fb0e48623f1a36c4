import Router from '@koa/router';
import { expect } from 'chai';
import Koa from 'koa';
import { Jam, jamContext, JamError, jamJwt, requirePayload, type JamJwtOptions } from 'koa-jam';
import request from 'supertest';
import { eventually } from '../helpers/eventually.js';
import { SECRET } from '../helpers/keys.js';
import { REDIS_KIND, useListJams } from '../helpers/list-jams.js';

function appWith(jam: Jam, options?: JamJwtOptions) {
  const app = new Koa();
  app.use(jamJwt(jam, options));
  const router = new Router();
  router.get('/whoami', (ctx) => {
    ctx.body = {
      payload: ctx.state.payload,
      reason: ctx.state.authError?.code ?? null,
      jam: ctx.jam === jam,
    };
  });
  router.get('/private', requirePayload(), (ctx) => {
    ctx.body = { sub: ctx.state.payload?.sub };
  });
  app.use(router.routes());
  return app.callback();
}

describe('jamJwt', () => {
  const jam = new Jam({ jwt: { secretKey: SECRET } });
  let token: string;
  before(async () => (token = await jam.genJwtToken(jam.makePayload({ sub: 'u1' }))));

  it('verifies a Bearer token from the Authorization header and sets ctx.state.payload and ctx.jam', async () => {
    const res = await request(appWith(jam))
      .get('/whoami')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(res.body).to.deep.include({ reason: null, jam: true });
    expect(res.body.payload).to.include({ sub: 'u1' });
  });

  it('accepts the scheme in any case and several spaces before the token', async () => {
    for (const header of [`bearer ${token}`, `BEARER   ${token}`]) {
      const res = await request(appWith(jam)).get('/whoami').set('Authorization', header).expect(200);
      expect(res.body.payload).to.include({ sub: 'u1' });
    }
  });

  it('reads a custom header', async () => {
    const res = await request(appWith(jam, { headerName: 'X-Token' }))
      .get('/whoami')
      .set('X-Token', `Bearer ${token}`);
    expect(res.body.payload).to.include({ sub: 'u1' });
  });

  it('reads the cookie first when cookieName is set, and falls back to the header when the cookie is absent', async () => {
    const app = appWith(jam, { cookieName: 'jwt' });
    const other = await jam.genJwtToken(jam.makePayload({ sub: 'from-header' }));
    const both = await request(app)
      .get('/whoami')
      .set('Cookie', `jwt=${token}`)
      .set('Authorization', `Bearer ${other}`);
    expect(both.body.payload).to.include({ sub: 'u1' });
    const headerOnly = await request(app).get('/whoami').set('Authorization', `Bearer ${other}`);
    expect(headerOnly.body.payload).to.include({ sub: 'from-header' });
  });

  it('null turns a source off', async () => {
    const cookieOnly = appWith(jam, { cookieName: 'jwt', headerName: null });
    const res = await request(cookieOnly).get('/whoami').set('Authorization', `Bearer ${token}`);
    expect(res.body.payload).to.equal(null);
  });

  it('leaves a request without a token, or with another scheme, anonymous with no reason', async () => {
    for (const header of [
      undefined,
      `Basic ${Buffer.from('a:b').toString('base64')}`,
      'Bearer',
      'Bearer a b',
    ]) {
      const req = request(appWith(jam)).get('/whoami');
      const res = await (header ? req.set('Authorization', header) : req).expect(200);
      expect(res.body).to.deep.include({ payload: null, reason: null });
    }
  });

  it('leaves a request with an invalid or expired token anonymous, keeping the reason server side', async () => {
    const cases: Array<[string, string]> = [
      [`${token}x`, 'ERR_JWT_INVALID'],
      ['not-a-jwt', 'ERR_JWT_INVALID'],
      [await jam.genJwtToken({ ...jam.makePayload({}), exp: 1 }), 'ERR_JWT_EXPIRED'],
    ];
    for (const [bad, code] of cases) {
      const res = await request(appWith(jam))
        .get('/whoami')
        .set('Authorization', `Bearer ${bad}`)
        .expect(200);
      expect(res.body).to.deep.include({ payload: null, reason: code });
    }
  });

  it('validates its options when created', () => {
    const refused = (make: () => unknown, named: string) =>
      expect(make, named).to.throw(JamError, named).with.property('code', 'ERR_CONFIG');
    refused(() => jamJwt({} as Jam), 'Jam instance');
    refused(() => jamJwt(jam, { headerName: 'bad header' }), 'jamJwt.headerName');
    refused(() => jamJwt(jam, { header: 'X-Token' } as never), 'jamJwt.header');
    refused(() => jamJwt(jam, { resolvers: ['Authorization'] } as never), 'jamJwt.resolvers[0]');
    refused(() => jamContext(undefined as never), 'jamContext');
  });

  describe('requirePayload', () => {
    it('lets a verified request through', async () => {
      const res = await request(appWith(jam))
        .get('/private')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(res.body).to.deep.equal({ sub: 'u1' });
    });

    it('answers 401 with a generic body, never a 5xx, whatever the token', async () => {
      const bad = [
        '',
        'Bearer',
        `Bearer ${token}x`,
        'Bearer ' + 'a'.repeat(9000),
        'Bearer a.b.c',
        'Bearer ..',
        'Bearer é',
      ];
      for (const header of bad) {
        const res = await request(appWith(jam)).get('/private').set('Authorization', header);
        expect(res.status, header.slice(0, 30)).to.equal(401);
        expect(res.body).to.deep.equal({ error: 'Unauthorized' });
        expect(res.headers['www-authenticate']).to.equal('Bearer');
        expect(res.text).not.to.contain('at ');
      }
    });
  });
});

describe('jamContext', () => {
  it('puts the instance on ctx.jam', async () => {
    const jam = new Jam({ jwt: { secretKey: SECRET } });
    const app = new Koa();
    app.use(jamContext(jam));
    app.use(async (ctx) => {
      ctx.body = { token: await ctx.jam.genJwtToken({ x: 1 }) };
    });
    const res = await request(app.callback()).get('/').expect(200);
    expect(await jam.verifyJwtToken(res.body.token, { checkExp: false })).to.deep.equal({ x: 1 });
  });
});

describe('jamJwt with a revocation list on Redis', () => {
  const jams = useListJams(REDIS_KIND);

  it('answers 401 for a revoked token, 503 while the list store is down, and recovers', async () => {
    const jam = jams.jamWith('black', {}, 500);
    const redis = jams.redis!;
    const app = appWith(jam);
    const token = await jam.genJwtToken(jam.makePayload({ sub: 'u1' }));
    const revoked = await jam.genJwtToken(jam.makePayload({ sub: 'u2' }));
    await request(app).get('/private').set('Authorization', `Bearer ${token}`).expect(200);
    await jam.revokeJwtToken(revoked);
    const refused = await request(app).get('/whoami').set('Authorization', `Bearer ${revoked}`);
    expect(refused.body).to.deep.include({ payload: null, reason: 'ERR_JWT_REVOKED' });
    await request(app).get('/private').set('Authorization', `Bearer ${revoked}`).expect(401);

    await redis.stop();
    for (const bearer of [token, revoked]) {
      const res = await request(app).get('/private').set('Authorization', `Bearer ${bearer}`).expect(503);
      expect(res.body).to.deep.equal({ error: 'Service Unavailable' });
      const who = await request(app).get('/whoami').set('Authorization', `Bearer ${bearer}`).expect(200);
      expect(who.body).to.deep.include({ payload: null, reason: 'ERR_STORE_UNAVAILABLE' });
    }

    await redis.start();
    await eventually(
      () => request(app).get('/private').set('Authorization', `Bearer ${token}`).expect(200),
      5000,
    );
  });
});
