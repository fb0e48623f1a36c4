// The page.evaluate() callbacks below run in the browser.
/// <reference lib="dom" />
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { Jam, type JamError } from 'koa-jam';
import type { Browser, CDPSession, Page } from 'playwright-core';
import request from 'supertest';
import { createWebApp } from '../../examples/web-app.js';
import { WebUsers } from '../../examples/web-users.js';
import { chromiumOrSkip } from '../helpers/chromium.js';
import { freezeClock } from '../helpers/clock.js';

interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId: string;
  privateKey: string;
  userHandle: string;
  signCount: number;
}

describe('examples/web-app: passkeys over HTTP', () => {
  it('serves @simplewebauthn/browser from node_modules and the page script, and keeps the routes for signed-in users', async () => {
    const jam = new Jam({ session: {}, passkeys: { rpId: 'localhost' } });
    const app = createWebApp(jam, await WebUsers.create({ dave: 'dave-password' })).callback();
    const bundle = await request(app).get('/assets/simplewebauthn-browser.js').expect(200);
    expect(bundle.headers['content-type']).to.equal('application/javascript; charset=utf-8');
    expect(bundle.text).to.equal(
      readFileSync(
        require
          .resolve('@simplewebauthn/browser')
          .replace(/script\/index\.js$/, 'dist/bundle/index.umd.min.js'),
        'utf8',
      ),
    );
    await request(app)
      .get('/assets/passkeys.js')
      .expect(200, /startAuthentication/);
    await request(app).post('/passkeys/register/options').send({}).expect(401);
    await request(app)
      .post('/profile/passkeys/remove')
      .type('form')
      .send({ id: 'x' })
      .expect(303)
      .expect('Location', '/login');
    await jam.close();
  });
});

describe('examples/web-app: passkeys in Chromium (a virtual authenticator)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let servers: Server[];
  let jam: Jam;
  let users: WebUsers;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;
  /**
   * The site's origin; another site (the same app on another port); and a subdomain the site accepts as an
   * origin, so that an answer from there is refused for its RP id alone.
   */
  let site: string, elsewhere: string, subdomain: string;
  const refusals: string[] = [];
  const requested: string[] = [];
  const cspViolations: string[] = [];

  before(async function () {
    browser = await chromiumOrSkip(this);
    servers = [createServer(), createServer()];
    const [port, otherPort] = await Promise.all(
      servers.map(async (server) => {
        server.listen(0, '127.0.0.1');
        await once(server, 'listening');
        return (server.address() as AddressInfo).port;
      }),
    );
    [site, elsewhere, subdomain] = [
      `http://localhost:${port}`,
      `http://localhost:${otherPort}`,
      `http://app.localhost:${port}`,
    ];
    jam = new Jam({
      session: {},
      passkeys: { rpId: 'localhost', rpName: 'koa-jam example', origins: [site, subdomain] },
    });
    users = await WebUsers.create({ carol: 'carol-password' });
    const app = createWebApp(jam, users);
    // The reason of each refusal, which the browser only sees as a 401.
    app.middleware.unshift(async (ctx, next) => {
      await next();
      const err = ctx.state.authError as JamError | null;
      if (err?.code.startsWith('ERR_PASSKEY')) refusals.push(`${err.code}: ${err.message}`);
    });
    for (const server of servers) server.on('request', app.callback());

    page = await browser.newPage();
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
    cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    }));
  });
  after(async () => {
    await browser?.close();
    for (const server of servers ?? []) server.close();
    await jam?.close();
  });

  const credentials = async () =>
    (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials as VirtualCredential[];

  /** Clicks a button that navigates, and waits for `path`. */
  async function clickTo(button: string, path: string): Promise<void> {
    await Promise.all([page.waitForURL(`${site}${path}`), page.click(`button:has-text("${button}")`)]);
  }

  /** Runs a sign-in in the page at `origin` without its button: options, `answers` browser answers, posts. */
  async function signInFrom(origin: string, { rpId, answers = 1 }: { rpId?: string; answers?: number } = {}) {
    await page.goto(`${origin}/login`);
    await page.evaluate(async () => {
      const res = await fetch('/passkeys/login/options', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      (window as unknown as { optionsJSON: unknown }).optionsJSON = await res.json();
    });
    return (advance: () => void = () => {}) => {
      advance();
      return page.evaluate(
        async ({ rpId, answers }) => {
          const global = window as unknown as {
            optionsJSON: { rpId: string };
            SimpleWebAuthnBrowser: { startAuthentication(o: { optionsJSON: unknown }): Promise<unknown> };
          };
          if (rpId) global.optionsJSON.rpId = rpId;
          const statuses: number[] = [];
          for (let i = 0; i < answers; i++) {
            const answer = await global.SimpleWebAuthnBrowser.startAuthentication({
              optionsJSON: global.optionsJSON,
            });
            const res = await fetch('/passkeys/login', {
              method: 'POST',
              headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify(answer),
            });
            statuses.push(res.status);
          }
          return statuses;
        },
        { rpId, answers },
      );
    };
  }

  it('adds a passkey on the profile page, logs out, and signs in with it', async () => {
    await page.goto(`${site}/login`);
    const csp = (await page.request.get(`${site}/login`)).headers()['content-security-policy'];
    expect(csp)
      .to.contain("script-src 'self'")
      .and.contain("connect-src 'self'")
      .and.not.contain("unsafe-inline'; script");
    await page.fill('input[name=username]', 'carol');
    await page.fill('input[name=password]', 'carol-password');
    await clickTo('Log in', '/profile');
    expect(await page.textContent('body')).to.contain('No passkeys yet.');

    await clickTo('Add a passkey', '/profile?done=passkey');
    expect(await page.textContent('[role=status]')).to.contain('Your passkey was added.');
    expect(await page.locator('#passkeys li').count()).to.equal(1);
    const [stored] = await credentials();
    expect(stored).to.include({ isResidentCredential: true, rpId: 'localhost' });
    const [user] = [users.get('carol')!];
    expect(Buffer.from(stored.userHandle, 'base64').toString()).to.equal(user.id);

    await clickTo('Log out', '/login');
    expect(await page.context().cookies()).to.deep.equal([]);
    await clickTo('Sign in with a passkey', '/profile');
    expect(await page.textContent('h1')).to.equal('Hello, carol');
    const [passkey] = await users.passkeysOf(user.id);
    expect(passkey.lastUsedAt).to.be.a('string');
    expect(passkey.counter).to.equal((await credentials())[0].signCount);

    // The browser half came from this site (node_modules), under the strict policy, without a violation.
    expect(requested.filter((url) => !url.startsWith(site))).to.deep.equal([]);
    expect(requested).to.include(`${site}/assets/simplewebauthn-browser.js`);
    expect(cspViolations).to.deep.equal([]);
    expect(refusals).to.deep.equal([]);
  });

  it('refuses a replayed assertion', async () => {
    await clickTo('Log out', '/login');
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.url() === `${site}/passkeys/login`),
      clickTo('Sign in with a passkey', '/profile'),
    ]);
    const replay = await page.request.post(`${site}/passkeys/login`, {
      headers: { 'Content-Type': 'application/json' },
      data: request.postData()!,
    });
    expect(replay.status()).to.equal(401);
    expect(await replay.json()).to.deep.equal({ error: 'Unauthorized' });
    expect(refusals.splice(0))
      .to.have.length(1)
      .and.match(/^ERR_PASSKEY_CHALLENGE/);
  });

  it('refuses a challenge used twice, even for two genuine answers', async () => {
    expect(await (await signInFrom(site, { answers: 2 }))()).to.deep.equal([200, 401]);
    expect(refusals.splice(0))
      .to.have.length(1)
      .and.match(/^ERR_PASSKEY_CHALLENGE: .*(already used|unknown)/);
  });

  it('refuses an expired challenge', async () => {
    const answer = await signInFrom(site);
    const clock = freezeClock(Date.now());
    try {
      expect(await answer(() => clock.tick(300_000))).to.deep.equal([401]);
    } finally {
      clock.uninstall();
    }
    expect(refusals.splice(0))
      .to.have.length(1)
      .and.match(/^ERR_PASSKEY_CHALLENGE: .*expired/);
  });

  it('refuses an assertion made on another origin', async () => {
    expect(await (await signInFrom(elsewhere))()).to.deep.equal([401]);
    expect(refusals.splice(0))
      .to.have.length(1)
      .and.match(/^ERR_PASSKEY_INVALID: .*origin/);
  });

  it('refuses an assertion made for another RP id, with the same key', async () => {
    // The passkey moved to app.localhost (same id and key): the page there asks for that RP id instead.
    const [original] = await credentials();
    await cdp.send('WebAuthn.removeCredential', { authenticatorId, credentialId: original.credentialId });
    await cdp.send('WebAuthn.addCredential', {
      authenticatorId,
      credential: { ...original, rpId: 'app.localhost' },
    });
    try {
      expect(await (await signInFrom(subdomain, { rpId: 'app.localhost' }))()).to.deep.equal([401]);
    } finally {
      await cdp.send('WebAuthn.removeCredential', { authenticatorId, credentialId: original.credentialId });
      await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: original });
    }
    expect(refusals.splice(0))
      .to.have.length(1)
      .and.match(/^ERR_PASSKEY_INVALID: .*RP ID/i);
    // Put back on its own RP id, the same passkey signs in again.
    expect(await (await signInFrom(site))()).to.deep.equal([200]);
  });

  it('refuses a counter gone backwards (a cloned authenticator), and says so on the page', async () => {
    const [original] = await credentials();
    expect(original.signCount).to.be.greaterThan(2);
    await cdp.send('WebAuthn.removeCredential', { authenticatorId, credentialId: original.credentialId });
    await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: { ...original, signCount: 1 } });
    const before = (await users.passkey(Buffer.from(original.credentialId, 'base64').toString('base64url')))!;
    await page.goto(`${site}/login`);
    await page.click('button:has-text("Sign in with a passkey")');
    await page.waitForSelector('#passkey-status:has-text("That passkey was not accepted.")');
    expect(page.url()).to.equal(`${site}/login`);
    expect(refusals.splice(0))
      .to.have.length(1)
      .and.match(/^ERR_PASSKEY_COUNTER: .*from \d+ to 2/);
    expect(await users.passkey(before.id)).to.deep.equal(before);
  });

  it('removes the passkey from the profile page; it no longer signs in', async () => {
    await page.fill('input[name=username]', 'carol');
    await page.fill('input[name=password]', 'carol-password');
    await clickTo('Log in', '/profile');
    await clickTo('Remove', '/profile?done=passkey-removed');
    expect(await page.textContent('body')).to.contain('No passkeys yet.');
    expect(await users.passkeysOf(users.get('carol')!.id)).to.deep.equal([]);
    await clickTo('Log out', '/login');
    await page.click('button:has-text("Sign in with a passkey")');
    await page.waitForSelector('#passkey-status:has-text("That passkey was not accepted.")');
    expect(refusals.splice(0))
      .to.have.length(1)
      .and.match(/^ERR_PASSKEY_INVALID: .*unknown credential/);
  });
});
