import { randomBytes } from 'node:crypto';
import Router from '@koa/router';
import { expect } from 'chai';
import Koa from 'koa';
import {
  clearSessionCookie,
  Jam,
  JamError,
  jamSession,
  requirePayload,
  setSessionCookie,
  type JamSessionOptions,
} from 'koa-jam';
import request from 'supertest';
import { freezeClock, type FrozenClock } from '../helpers/clock.js';

function appWith(jam: Jam, options?: string | JamSessionOptions, configure?: (app: Koa) => void) {
  const app = new Koa();
  configure?.(app);
  app.use(jamSession(jam, options));
  const router = new Router();
  router.post('/login', async (ctx) => {
    const id = await jam.createSession('alice', { user: 1 });
    setSessionCookie(ctx, id, typeof options === 'string' ? { cookieName: options } : {});
    ctx.body = { id };
  });
  router.post('/logout', (ctx) => {
    clearSessionCookie(ctx);
    ctx.status = 204;
  });
  router.get('/whoami', (ctx) => {
    ctx.body = {
      payload: ctx.state.payload,
      sessionId: ctx.state.sessionId,
      reason: ctx.state.authError?.code ?? null,
      jam: ctx.jam === jam,
    };
  });
  router.get('/private', requirePayload(), (ctx) => (ctx.body = ctx.state.payload));
  app.use(router.routes());
  return app.callback();
}

const cookieOf = (res: request.Response) =>
  (res.headers['set-cookie'] as unknown as string[] | undefined)?.[0];

describe('jamSession', () => {
  let clock: FrozenClock;
  let jam: Jam;
  beforeEach(() => {
    clock = freezeClock();
    jam = new Jam({ session: { ttl: 600 } });
  });
  afterEach(async () => {
    await jam.close();
    clock.uninstall();
  });

  it('reads the id from the sessionId cookie and sets payload, sessionId and ctx.jam', async () => {
    const id = await jam.createSession('alice', { user: 1 });
    const res = await request(appWith(jam)).get('/whoami').set('Cookie', `sessionId=${id}`).expect(200);
    expect(res.body).to.deep.equal({ payload: { user: 1 }, sessionId: id, reason: null, jam: true });
  });

  it('takes another cookie name as its second argument', async () => {
    const id = await jam.createSession('alice', { user: 1 });
    const app = appWith(jam, 'sid');
    expect((await request(app).get('/whoami').set('Cookie', `sid=${id}`)).body.sessionId).to.equal(id);
    expect((await request(app).get('/whoami').set('Cookie', `sessionId=${id}`)).body.sessionId).to.equal(
      null,
    );
  });

  it('reads `Bearer <id>` from a header when headerName is set, after the cookie', async () => {
    const [fromCookie, fromHeader] = [
      await jam.createSession('alice', { via: 'cookie' }),
      await jam.createSession('alice', { via: 'header' }),
    ];
    const app = appWith(jam, { headerName: 'Authorization' });
    const both = await request(app)
      .get('/whoami')
      .set('Cookie', `sessionId=${fromCookie}`)
      .set('Authorization', `Bearer ${fromHeader}`);
    expect(both.body.payload).to.deep.equal({ via: 'cookie' });
    const header = await request(app).get('/whoami').set('Authorization', `Bearer ${fromHeader}`);
    expect(header.body).to.deep.include({ payload: { via: 'header' }, sessionId: fromHeader });
    const headerOnly = appWith(jam, { cookieName: null, headerName: 'X-Session' });
    const ignored = await request(headerOnly).get('/whoami').set('Cookie', `sessionId=${fromCookie}`);
    expect(ignored.body.payload).to.equal(null);
  });

  it('by default ignores the Authorization header', async () => {
    const id = await jam.createSession('alice', { user: 1 });
    const res = await request(appWith(jam)).get('/whoami').set('Authorization', `Bearer ${id}`);
    expect(res.body).to.deep.include({ payload: null, reason: null });
  });

  it('leaves a request without a session anonymous with no reason', async () => {
    const res = await request(appWith(jam)).get('/whoami').expect(200);
    expect(res.body).to.deep.equal({ payload: null, sessionId: null, reason: null, jam: true });
  });

  it('leaves a forged, malformed, ended or expired session anonymous, the reason server side', async () => {
    const ended = await jam.createSession('alice', { user: 1 });
    await jam.deleteSession(ended);
    const expired = await jam.createSession('alice', { user: 1 });
    clock.tick(601_000);
    for (const id of [randomBytes(24).toString('base64url'), 'not-an-id', ended, expired]) {
      const res = await request(appWith(jam)).get('/whoami').set('Cookie', `sessionId=${id}`);
      expect(res.body, id).to.deep.include({
        payload: null,
        sessionId: null,
        reason: 'ERR_SESSION_NOT_FOUND',
      });
      const guarded = await request(appWith(jam)).get('/private').set('Cookie', `sessionId=${id}`);
      expect(guarded.status).to.equal(401);
      expect(guarded.body).to.deep.equal({ error: 'Unauthorized' });
    }
  });

  it('leaves a tampered sealed id anonymous', async () => {
    const sealed = new Jam({ session: { encryptionKey: randomBytes(32) } });
    try {
      const id = await sealed.createSession('alice', { user: 1 });
      const tampered = id.slice(0, 10) + (id[10] === 'A' ? 'B' : 'A') + id.slice(11);
      const app = appWith(sealed);
      expect((await request(app).get('/whoami').set('Cookie', `sessionId=${id}`)).body.payload).to.deep.equal(
        {
          user: 1,
        },
      );
      const res = await request(app).get('/whoami').set('Cookie', `sessionId=${tampered}`);
      expect(res.body).to.deep.include({ payload: null, reason: 'ERR_SESSION_NOT_FOUND' });
    } finally {
      await sealed.close();
    }
  });

  it('reworkSession at a privilege change leaves a planted id dead (session fixation)', async () => {
    const koa = new Koa();
    koa.use(jamSession(jam));
    koa.use(async (ctx) => {
      if (ctx.path === '/elevate' && ctx.state.sessionId) {
        const id = await jam.reworkSession(ctx.state.sessionId);
        await jam.updateSession(id, { ...ctx.state.payload, admin: true });
        setSessionCookie(ctx, id);
      }
      ctx.body = { payload: ctx.state.payload };
    });
    const app = koa.callback();
    const planted = await jam.createSession('victim', { user: 1 }); // an id the attacker knows
    const res = await request(app).post('/elevate').set('Cookie', `sessionId=${planted}`).expect(200);
    const fresh = cookieOf(res)!.split(';')[0];
    expect(fresh).not.to.equal(`sessionId=${planted}`);
    const now = await request(app).get('/').set('Cookie', fresh);
    expect(now.body.payload).to.deep.equal({ user: 1, admin: true });
    const old = await request(app).get('/').set('Cookie', `sessionId=${planted}`);
    expect(old.body.payload).to.equal(null);
  });

  it('validates its arguments when created', () => {
    const refused = (make: () => unknown, named: string) =>
      expect(make, named).to.throw(JamError, named).with.property('code', 'ERR_CONFIG');
    refused(() => jamSession({} as Jam), 'Jam instance');
    refused(() => jamSession(jam, { cookieName: 'bad name' }), 'jamSession.cookieName');
    refused(() => jamSession(jam, { cookiName: 'sid' } as never), 'jamSession.cookiName');
    refused(() => jamSession(jam, { cookie: { secure: true } } as never), 'jamSession.cookie.secure');
    refused(() => jamSession(jam, { cookie: { sameSite: 'lox' } } as never), 'jamSession.cookie.sameSite');
    expect(() => jamSession(new Jam({}))).to.throw(JamError, 'session');
  });

  describe('session cookies', () => {
    it('setSessionCookie: HttpOnly, SameSite=Lax, Path=/, expiring with the session, not Secure over http', async () => {
      const res = await request(appWith(jam)).post('/login').expect(200);
      const cookie = cookieOf(res)!;
      expect(cookie).to.contain(`sessionId=${res.body.id}`);
      expect(cookie).to.contain('; path=/').and.contain('; samesite=lax').and.contain('; httponly');
      expect(cookie).not.to.contain('secure');
      const expires = Date.parse(/expires=([^;]+)/.exec(cookie)![1]);
      expect(expires).to.equal(Date.now() + 600_000);
    });

    it('is Secure when the request is HTTPS, as Koa sees it behind a proxy (app.proxy)', async () => {
      const behindProxy = appWith(jam, undefined, (app) => (app.proxy = true));
      const https = await request(behindProxy).post('/login').set('X-Forwarded-Proto', 'https');
      expect(cookieOf(https)).to.contain('; secure');
      // Without app.proxy the header is not trusted.
      const spoofed = await request(appWith(jam)).post('/login').set('X-Forwarded-Proto', 'https');
      expect(cookieOf(spoofed)).not.to.contain('secure');
    });

    it('clearSessionCookie expires it', async () => {
      const res = await request(appWith(jam)).post('/logout').expect(204);
      expect(cookieOf(res)).to.match(/^sessionId=; path=\/; expires=Thu, 01 Jan 1970 00:00:00 GMT;/);
    });

    it('is re-sent with rolling sessions, so the browser keeps it as long as the server does', async () => {
      const rolling = new Jam({ session: { ttl: 600, rolling: true } });
      try {
        const id = await rolling.createSession('alice', { user: 1 });
        const res = await request(appWith(rolling)).get('/whoami').set('Cookie', `sessionId=${id}`);
        expect(cookieOf(res)).to.contain(`sessionId=${id}`).and.contain('httponly');
        const custom = appWith(rolling, {
          cookie: { path: '/app', domain: 'example.com', sameSite: 'strict' },
        });
        const attributes = cookieOf(await request(custom).get('/whoami').set('Cookie', `sessionId=${id}`));
        expect(attributes).to.contain('; path=/app').and.contain('; domain=example.com');
        expect(attributes).to.contain('; samesite=strict');
        const fixed = await request(appWith(jam))
          .get('/whoami')
          .set('Cookie', `sessionId=${await jam.createSession('alice', {})}`);
        expect(cookieOf(fixed)).to.equal(undefined);
      } finally {
        await rolling.close();
      }
    });
  });
});
