import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { expect } from 'chai';
import Koa from 'koa';
import {
  Jam,
  JamError,
  jamOAuth2,
  setSessionCookie,
  type JamOAuth2Options,
  type OAuth2Login,
  type OAuth2Options,
} from 'koa-jam';
import { freezeClock } from '../helpers/clock.js';
import { CookieBrowser } from '../helpers/cookie-browser.js';
import { listenLoopback, type LoopbackServer } from '../helpers/loopback-server.js';
import { startIdp, type TestIdp } from '../helpers/oidc-provider.js';

/** What the app saw: logins reaching onLogin, and the reason of the last failure. */
interface Seen {
  logins: OAuth2Login[];
  errors: JamError[];
}

const challengeOf = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

describe('jamOAuth2 against a real OpenID Provider', function () {
  this.timeout(20_000);
  let idp: TestIdp;
  let appServer: LoopbackServer;
  let tokenProxy: LoopbackServer;
  let jam: Jam;
  let seen: Seen;
  const callbackOf = (name: string) => `${appServer.origin}/auth/${name}/callback`;
  const loginOf = (name: string, returnTo?: string) =>
    `${appServer.origin}/auth/${name}/login` +
    (returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`);

  function oauth2Config(): OAuth2Options {
    return {
      providers: {
        example: {
          issuer: idp.issuer,
          clientId: 'app',
          clientSecret: 'app-secret',
          redirectUri: callbackOf('example'),
        },
        other: {
          issuer: idp.issuer,
          clientId: 'other',
          clientSecret: 'other-secret',
          redirectUri: callbackOf('other'),
        },
        // The provider's own endpoints, except a token endpoint that hands the code in as another client would.
        proxied: {
          issuer: idp.issuer,
          authorizationEndpoint: `${idp.issuer}/auth`,
          tokenEndpoint: `${tokenProxy.origin}/token`,
          jwksUri: `${idp.issuer}/jwks`,
          clientId: 'app',
          clientSecret: 'app-secret',
          redirectUri: callbackOf('proxied'),
        },
      },
    };
  }

  function serve(options: Partial<JamOAuth2Options> = {}): void {
    const app = new Koa();
    app.use(async (ctx, next) => {
      await next();
      if (ctx.state.authError) seen.errors.push(ctx.state.authError);
    });
    app.use(
      jamOAuth2(jam, {
        async onLogin(ctx, login) {
          seen.logins.push(login);
          setSessionCookie(
            ctx,
            await ctx.jam.createSession(`example:${login.claims.sub}`, { sub: login.claims.sub }),
          );
        },
        ...options,
      }),
    );
    app.use((ctx) => {
      ctx.body = { path: ctx.path };
    });
    appServer.handle(app.callback());
  }

  before(async () => {
    appServer = await listenLoopback();
    tokenProxy = await listenLoopback();
    idp = await startIdp(() => {
      const redirect_uris = ['example', 'other', 'proxied'].map(callbackOf);
      return [
        { client_id: 'app', client_secret: 'app-secret', redirect_uris },
        { client_id: 'other', client_secret: 'other-secret', redirect_uris },
      ];
    });
    tokenProxy.handle((req, res) => void forwardAsOtherClient(idp.issuer, req, res));
  });
  after(async () => {
    await Promise.all([idp.close(), appServer.close(), tokenProxy.close()]);
  });
  beforeEach(() => {
    seen = { logins: [], errors: [] };
    jam = new Jam({ session: {}, oauth2: oauth2Config() });
    serve();
  });
  afterEach(() => jam.close());

  /** GETs the callback and expects a refused login: a generic 401, ERR_OAUTH2 with this reason, no onLogin. */
  async function expectRefused(
    browser: CookieBrowser,
    callback: URL,
    reason: string,
    { error, message }: { error?: string; message?: RegExp } = {},
  ): Promise<void> {
    const response = await browser.get(callback);
    expect(response.status).to.equal(401);
    expect(await response.json()).to.deep.equal({ error: 'Unauthorized' });
    expect(seen.logins).to.have.length(0);
    const refusal = seen.errors.at(-1);
    expect(refusal?.code).to.equal('ERR_OAUTH2');
    expect(refusal?.detail, refusal?.message).to.include({ reason, ...(error && { error }) });
    if (message) expect(refusal?.message).to.match(message);
  }

  it('sends the browser to the provider with code, state, nonce and an S256 PKCE challenge, bound by an HttpOnly cookie', async () => {
    const response = await new CookieBrowser().get(loginOf('example'));
    expect(response.status).to.equal(302);
    const url = new URL(response.headers.get('location')!);
    expect(url.origin + url.pathname).to.equal(`${idp.issuer}/auth`);
    const params = Object.fromEntries(url.searchParams);
    expect(params).to.include({
      response_type: 'code',
      client_id: 'app',
      redirect_uri: callbackOf('example'),
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    for (const random of ['state', 'nonce', 'code_challenge'])
      expect(params[random]).to.match(/^[\w-]{43,}$/);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('jam_oauth2='));
    expect(cookie)
      .to.match(/; path=\/auth;/)
      .and.match(/; samesite=lax; httponly$/)
      .and.match(/; expires=/);
  });

  it('signs in: onLogin gets the verified sub, userinfo claims and tokens, then the browser goes to returnTo', async () => {
    const browser = new CookieBrowser();
    const callback = await browser.signIn(loginOf('example', '/profile?tab=1'), 'alice');
    expect(callback.searchParams.get('iss')).to.equal(idp.issuer); // RFC 9207, checked by the client
    const response = await browser.get(callback);
    expect(response.status).to.equal(302);
    expect(response.headers.get('location')).to.equal('/profile?tab=1');
    expect(seen.logins).to.have.length(1);
    const [login] = seen.logins;
    expect(login!.provider).to.equal('example');
    expect(login!.claims).to.include({
      sub: 'alice',
      iss: idp.issuer,
      aud: 'app',
      email: 'alice@example.com',
      email_verified: true,
    });
    expect(login!.tokens.accessToken).to.be.a('string');
    expect(login!.tokens.idToken?.split('.')).to.have.length(3);
    const sessionId = browser.cookie('127.0.0.1', 'sessionId');
    expect(await jam.getSession(sessionId!)).to.deep.equal({ sub: 'alice' });
  });

  it('works without Koa: beginLogin and completeLogin on the Jam instance', async () => {
    const start = await jam.beginLogin('example', { returnTo: '/home' });
    const callback = await new CookieBrowser().authorize(start.url, 'bob');
    const login = await jam.completeLogin('example', {
      query: callback.search,
      browserKey: start.browserKey,
    });
    expect(login.claims.sub).to.equal('bob');
    expect(login.returnTo).to.equal('/home');
    expect(start.maxAge).to.equal(600);
  });

  it('refuses a callback without state, with a wrong state, or with a state of another browser', async () => {
    const browser = new CookieBrowser();
    const callback = await browser.signIn(loginOf('example'), 'alice');
    const without = new URL(callback);
    without.searchParams.delete('state');
    await expectRefused(browser, without, 'no-state');
    const wrong = new URL(callback);
    wrong.searchParams.set('state', randomBytes(32).toString('base64url'));
    await expectRefused(browser, wrong, 'unknown');
    // The real state, from a browser that did not start this login: the transaction cookie is missing.
    await expectRefused(new CookieBrowser(), callback, 'no-cookie');
    const other = new CookieBrowser();
    await other.startLogin(loginOf('example')); // has a cookie of its own, which does not fit this state
    await expectRefused(other, callback, 'unknown');
    // None of these spent the transaction: the browser that started it still completes it.
    expect((await browser.get(callback)).status).to.equal(302);
  });

  it('refuses an expired login', async () => {
    const clock = freezeClock(Date.now());
    try {
      const browser = new CookieBrowser();
      const callback = await browser.signIn(loginOf('example'), 'alice');
      clock.tick(601_000);
      await expectRefused(browser, callback, 'unknown');
    } finally {
      clock.uninstall();
    }
  });

  it('refuses a replayed callback URL, also when both copies race', async () => {
    const browser = new CookieBrowser();
    const callback = await browser.signIn(loginOf('example'), 'alice');
    expect((await browser.get(callback)).status).to.equal(302);
    seen.logins = [];
    await expectRefused(browser, callback, 'unknown');
    const racing = new CookieBrowser();
    const raced = await racing.signIn(loginOf('example'), 'carol');
    seen.logins = [];
    const statuses = (await Promise.all([racing.get(raced), racing.get(raced), racing.get(raced)])).map(
      (r) => r.status,
    );
    expect(statuses.sort()).to.deep.equal([302, 401, 401]);
    expect(seen.logins).to.have.length(1);
    for (const err of seen.errors) expect(err.detail?.reason).to.be.oneOf(['replayed', 'unknown']);
  });

  it('refuses error=access_denied from the provider', async () => {
    const browser = new CookieBrowser();
    const callback = await browser.authorize(await browser.startLogin(loginOf('example')), 'alice', {
      deny: true,
    });
    expect(callback.searchParams.get('error')).to.equal('access_denied');
    await expectRefused(browser, callback, 'denied', { error: 'access_denied' });
  });

  it('refuses a code that does not exchange', async () => {
    const browser = new CookieBrowser();
    const callback = await browser.signIn(loginOf('example'), 'alice');
    callback.searchParams.set('code', randomBytes(32).toString('base64url'));
    await expectRefused(browser, callback, 'exchange', { error: 'invalid_grant' });
  });

  it('refuses a response whose iss is not the provider (mix-up)', async () => {
    const browser = new CookieBrowser();
    const callback = await browser.signIn(loginOf('example'), 'alice');
    callback.searchParams.set('iss', 'https://attacker.example');
    await expectRefused(browser, callback, 'exchange', { message: /"iss"/ });
  });

  it('refuses a login started at one provider and completed at the callback of another', async () => {
    const browser = new CookieBrowser();
    const callback = await browser.signIn(loginOf('other'), 'alice');
    await expectRefused(browser, new URL(`${callbackOf('example')}${callback.search}`), 'wrong-provider');
  });

  describe('PKCE (the provider requires it)', () => {
    async function tampered(change: (url: URL) => void): Promise<{ browser: CookieBrowser; callback: URL }> {
      const browser = new CookieBrowser();
      const url = await browser.startLogin(loginOf('example'));
      change(url);
      return { browser, callback: await browser.authorize(url, 'alice') };
    }

    it('a login without a challenge is refused by the provider, and so by the app', async () => {
      const { browser, callback } = await tampered((url) => {
        url.searchParams.delete('code_challenge');
        url.searchParams.delete('code_challenge_method');
      });
      expect(callback.searchParams.get('error')).to.equal('invalid_request');
      await expectRefused(browser, callback, 'denied', { error: 'invalid_request' });
    });

    it('a downgrade to the plain method is refused', async () => {
      const { browser, callback } = await tampered((url) =>
        url.searchParams.set('code_challenge_method', 'plain'),
      );
      expect(callback.searchParams.get('error')).to.equal('invalid_request');
      await expectRefused(browser, callback, 'denied', { error: 'invalid_request' });
    });

    it('a code bound to another verifier does not exchange', async () => {
      const { browser, callback } = await tampered((url) =>
        url.searchParams.set('code_challenge', challengeOf(randomBytes(32).toString('base64url'))),
      );
      expect(callback.searchParams.get('code')).to.be.a('string');
      await expectRefused(browser, callback, 'exchange', { error: 'invalid_grant' });
    });
  });

  it('refuses an ID token whose nonce is not the one this login sent', async () => {
    const browser = new CookieBrowser();
    const url = await browser.startLogin(loginOf('example'));
    url.searchParams.set('nonce', randomBytes(32).toString('base64url'));
    await expectRefused(browser, await browser.authorize(url, 'alice'), 'exchange', { message: /nonce/ });
  });

  it('refuses an ID token issued to another client (aud)', async () => {
    const browser = new CookieBrowser();
    const url = await browser.startLogin(loginOf('proxied'));
    url.searchParams.set('client_id', 'other'); // the proxy then redeems the code as `other`
    await expectRefused(browser, await browser.authorize(url, 'alice'), 'exchange', { message: /aud/ });
  });

  it('sends every returnTo that is not a same-origin path to /', async () => {
    for (const returnTo of [
      '//evil.example/x',
      'https://evil.example/',
      '/\\evil.example',
      'javascript:alert(1)',
      '/\t/evil.example',
      'evil',
    ]) {
      const browser = new CookieBrowser();
      const response = await browser.get(await browser.signIn(loginOf('example', returnTo), 'alice'));
      expect(response.headers.get('location'), returnTo).to.equal('/');
    }
  });

  it('completes two logins started in parallel in one browser, each with its own returnTo', async () => {
    const browser = new CookieBrowser();
    const first = await browser.startLogin(loginOf('example', '/first'));
    const second = await browser.startLogin(loginOf('example', '/second'));
    const secondCallback = await browser.authorize(second, 'alice');
    const firstCallback = await browser.authorize(first, 'alice');
    expect((await browser.get(secondCallback)).headers.get('location')).to.equal('/second');
    expect((await browser.get(firstCallback)).headers.get('location')).to.equal('/first');
    expect(seen.logins.map((l) => l.claims.sub)).to.deep.equal(['alice', 'alice']);
  });

  it('lets onError render its own page; onLogin is not called', async () => {
    serve({
      onError(ctx, err) {
        ctx.status = err.status;
        ctx.type = 'html';
        ctx.body = `<p>Sign-in failed (${err.code})</p>`;
      },
    });
    const browser = new CookieBrowser();
    const callback = await browser.signIn(loginOf('example'), 'alice');
    callback.searchParams.set('state', 'forged');
    const response = await browser.get(callback);
    expect(response.status).to.equal(401);
    expect(await response.text()).to.equal('<p>Sign-in failed (ERR_OAUTH2)</p>');
    expect(seen.logins).to.have.length(0);
  });

  it('leaves other paths and unknown providers to the next middleware', async () => {
    const browser = new CookieBrowser();
    expect(await (await browser.get(`${appServer.origin}/auth/nope/login`)).json()).to.deep.equal({
      path: '/auth/nope/login',
    });
    expect(await (await browser.get(`${appServer.origin}/auth/example`)).json()).to.deep.equal({
      path: '/auth/example',
    });
  });

  it('answers 503 while the provider is down, at the callback and at a first login, and recovers', async () => {
    const browser = new CookieBrowser();
    const callback = await browser.signIn(loginOf('example'), 'alice');
    const fresh = new Jam({ oauth2: oauth2Config() }); // has not discovered the provider yet
    await idp.stop();
    try {
      const response = await browser.get(callback);
      expect(response.status).to.equal(503);
      expect(await response.json()).to.deep.equal({ error: 'Service Unavailable' });
      expect(seen.errors.at(-1)?.code).to.equal('ERR_PROVIDER_UNAVAILABLE');
      expect(seen.errors.at(-1)?.detail).to.deep.equal({ provider: 'example' });
      const error = await fresh.beginLogin('example').catch((err: unknown) => err);
      expect(error).to.be.instanceOf(JamError).with.property('code', 'ERR_PROVIDER_UNAVAILABLE');
    } finally {
      await idp.start();
    }
    expect(await fresh.beginLogin('example')).to.have.property('url');
    await fresh.close();
    expect(seen.logins).to.have.length(0);
  });
});

/** Redeems the code at the real token endpoint as the client `other`: a genuine ID token with the wrong audience. */
async function forwardAsOtherClient(
  issuer: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = new URLSearchParams(Buffer.concat(chunks).toString());
  body.set('client_id', 'other');
  body.set('client_secret', 'other-secret');
  const answer = await fetch(`${issuer}/token`, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
  });
  res.writeHead(answer.status, { 'Content-Type': answer.headers.get('content-type') ?? 'application/json' });
  res.end(await answer.text());
}
