import { expect } from 'chai';
import Koa from 'koa';
import { JamError, jamCsrf, type JamCsrfOptions } from 'koa-jam';
import request from 'supertest';

function appWith(options?: JamCsrfOptions, proxy = false) {
  const app = new Koa();
  app.proxy = proxy;
  app.use(jamCsrf(options));
  app.use((ctx) => (ctx.body = { changed: ctx.method }));
  return app.callback();
}

type Headers = Record<string, string>;
const withCookie: Headers = { Cookie: 'sessionId=abc' };

async function status(app: ReturnType<typeof appWith>, method: 'get' | 'post' | 'delete', headers: Headers) {
  let req = request(app)[method]('/things');
  for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
  return req;
}

describe('jamCsrf', () => {
  it('refuses a cross-site or same-site (sibling subdomain) state-changing request carrying the session cookie, 403 with a generic body', async () => {
    for (const site of ['cross-site', 'same-site']) {
      for (const method of ['post', 'delete'] as const) {
        const res = await status(appWith(), method, { ...withCookie, 'Sec-Fetch-Site': site });
        expect(res.status, `${method} ${site}`).to.equal(403);
        expect(res.body).to.deep.equal({ error: 'Forbidden' });
      }
    }
  });

  it('checks the documented JWT cookie (jwt) by default too, and any list of cookie names', async () => {
    const crossSite = (cookie: string) => ({ Cookie: cookie, 'Sec-Fetch-Site': 'cross-site' });
    expect((await status(appWith(), 'post', crossSite('jwt=eyJ'))).status).to.equal(403);
    expect((await status(appWith(), 'post', crossSite('theme=dark'))).status).to.equal(200);
    const listed = appWith({ cookieName: ['sid', 'access_token'] });
    expect((await status(listed, 'post', crossSite('theme=dark; access_token=x'))).status).to.equal(403);
    expect((await status(listed, 'post', crossSite('sid=x'))).status).to.equal(403);
    expect((await status(listed, 'post', crossSite('sessionId=x'))).status).to.equal(200);
    expect((await status(appWith({ cookieName: 'sid' }), 'post', crossSite('sid=x'))).status).to.equal(403);
    for (const bad of [[], [''], '', 42]) {
      expect(() => jamCsrf({ cookieName: bad as never })).to.throw(JamError, 'cookieName');
    }
  });

  it('lets same-origin and user-initiated requests through', async () => {
    for (const site of ['same-origin', 'none']) {
      await status(appWith(), 'post', { ...withCookie, 'Sec-Fetch-Site': site }).then((r) =>
        expect(r.status).to.equal(200),
      );
    }
  });

  it('falls back to Origin when the browser sends no Sec-Fetch-Site', async () => {
    const app = appWith();
    expect(
      (await status(app, 'post', withCookie)).status,
      'no browser headers at all: not a browser',
    ).to.equal(200);
    const origin = 'http://app.local';
    const own = { ...withCookie, Host: 'app.local' };
    expect((await status(app, 'post', { ...own, Origin: origin })).status).to.equal(200);
    for (const other of ['https://evil.example', 'null', `${origin}.evil.example`]) {
      expect((await status(app, 'post', { ...own, Origin: other })).status, other).to.equal(403);
    }
  });

  it('compares with the origin Koa sees behind a proxy when app.proxy is set', async () => {
    const headers = { ...withCookie, 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'app.example' };
    const trusted = appWith({}, true);
    expect((await status(trusted, 'post', { ...headers, Origin: 'https://app.example' })).status).to.equal(
      200,
    );
    expect((await status(appWith(), 'post', { ...headers, Origin: 'https://app.example' })).status).to.equal(
      403,
    );
  });

  it('lets safe methods and requests without the session cookie through', async () => {
    const crossSite = { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' };
    expect((await status(appWith(), 'get', { ...withCookie, ...crossSite })).status).to.equal(200);
    expect((await status(appWith(), 'post', crossSite)).status).to.equal(200);
    const named = appWith({ cookieName: 'sid' });
    expect((await status(named, 'post', { ...withCookie, ...crossSite })).status).to.equal(200);
    expect((await status(named, 'post', { Cookie: 'sid=abc', ...crossSite })).status).to.equal(403);
  });

  it('lets allowed origins through', async () => {
    const app = appWith({ allowedOrigins: ['https://admin.example'] });
    const from = (origin: string) => ({ ...withCookie, 'Sec-Fetch-Site': 'cross-site', Origin: origin });
    expect((await status(app, 'post', from('https://admin.example'))).status).to.equal(200);
    expect((await status(app, 'post', from('https://admin.example:8443'))).status).to.equal(403);
  });

  it('refuses an allowedOrigins entry that is not an origin', () => {
    for (const bad of ['admin.example', 'https://admin.example/', 'https://admin.example/path', '*']) {
      expect(() => jamCsrf({ allowedOrigins: [bad] }), bad).to.throw(JamError, 'allowedOrigins');
    }
  });

  it('refuses unknown and mistyped options by name, ERR_CONFIG', () => {
    for (const [options, named] of [
      [{ allowedOrigin: ['https://a.example'] }, 'jamCsrf.allowedOrigin'],
      [{ allowedOrigins: 'https://a.example' }, 'allowedOrigins'],
      [{ cookieName: '' }, 'cookieName'],
    ] as const) {
      expect(() => jamCsrf(options as never), named)
        .to.throw(JamError, named)
        .with.property('code', 'ERR_CONFIG');
    }
  });
});
