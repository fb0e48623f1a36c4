// The page.evaluate() callbacks below run in the browser.
/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import jsQR from 'jsqr';
import { Jam } from 'koa-jam';
import { generateSync } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { createWebApp } from '../../examples/web-app.js';
import { WebUsers } from '../../examples/web-users.js';
import { submit } from '../helpers/browser-form.js';
import { chromiumOrSkip } from '../helpers/chromium.js';
import { freezeClock, type FrozenClock } from '../helpers/clock.js';
import { CookieBrowser } from '../helpers/cookie-browser.js';
import { listenLoopback, type LoopbackServer } from '../helpers/loopback-server.js';
import { startIdp, type TestIdp } from '../helpers/oidc-provider.js';

const SCREENSHOT = join('test-output', 'web-app-2fa-enrolment.png');
const IDP_SCREENSHOT = join('test-output', 'web-app-idp-sign-in.png');

describe('examples/web-app', function () {
  this.timeout(60_000);
  let jam: Jam;
  let users: WebUsers;
  before(async () => {
    jam = new Jam({ session: {}, otp: {}, passkeys: { rpId: 'localhost' } });
    users = await WebUsers.create({ alice: 'alice-password', bob: 'bob-password' });
  });
  after(() => jam.close());

  describe('over HTTP', () => {
    const app = () => createWebApp(jam, users).callback();

    it('sends anonymous visitors to the login page, and refuses a wrong password with 401', async () => {
      await request(app()).get('/profile').expect(303).expect('Location', '/login');
      const res = await request(app())
        .post('/login')
        .type('form')
        .send({ username: 'alice', password: 'nope' });
      expect(res.status).to.equal(401);
      expect(res.text).to.contain('Wrong user name or password.');
      const unknown = await request(app())
        .post('/login')
        .type('form')
        .send({ username: '<b>x</b>', password: 'x' });
      expect(unknown.text).to.contain('value="&lt;b&gt;x&lt;/b&gt;"');
    });

    it('sets the session cookie HttpOnly and SameSite=Lax, and refuses a cross-site form post', async () => {
      const res = await request(app())
        .post('/login')
        .type('form')
        .send({ username: 'bob', password: 'bob-password' })
        .expect(303)
        .expect('Location', '/profile');
      const cookie = (res.headers['set-cookie'] as unknown as string[])[0];
      expect(cookie)
        .to.match(/^sessionId=[^;]+;.*httponly/i)
        .and.match(/samesite=lax/i);
      const session = cookie.split(';')[0];
      await request(app())
        .get('/profile')
        .set('Cookie', session)
        .expect(200, /Hello, bob/);
      await request(app())
        .post('/logout')
        .set('Cookie', session)
        .set('Origin', 'https://evil.example')
        .set('Sec-Fetch-Site', 'cross-site')
        .expect(403);
      await request(app()).get('/profile').set('Cookie', session).expect(200);
    });
  });

  describe('in Chromium', () => {
    let browser: Browser;
    let server: Server;
    let base: string;
    let clock: FrozenClock | undefined;

    before(async function () {
      browser = await chromiumOrSkip(this);
      server = createWebApp(jam, users).listen(0, '127.0.0.1');
      await once(server, 'listening');
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      clock?.uninstall();
      await browser?.close();
      server?.close();
    });

    it('logs in, turns on 2FA from the QR code page, logs out, and logs in again with a code', async () => {
      // The server's clock, frozen at the real time (the browser's cookies use the real one).
      clock = freezeClock(Date.now());
      const page = await browser.newPage();
      await page.goto(`${base}/login`);
      await submit(page, { username: 'alice', password: 'alice-password' }, '/profile');
      expect(await page.textContent('h1')).to.equal('Hello, alice');

      // The session cookie is there, but no script on the page can read it.
      expect(await page.evaluate(() => document.cookie)).to.equal('');
      const [cookie] = await page.context().cookies();
      expect(cookie).to.include({ name: 'sessionId', httpOnly: true, sameSite: 'Lax' });

      await Promise.all([
        page.waitForURL(`${base}/2fa`),
        page.click('text=Turn on two-factor authentication'),
      ]);
      const secret = (await page.textContent('#otp-secret'))!.replace(/\s/g, '');
      expect(secret).to.match(/^[A-Z2-7]{32}$/);
      const qr = new URL(await readQrCode(page));
      expect(qr.protocol + qr.host).to.equal('otpauth:totp');
      expect(decodeURIComponent(qr.pathname)).to.equal('/koa-jam example:alice');
      expect(qr.searchParams.get('secret')).to.equal(secret);
      mkdirSync('test-output', { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      // The code an authenticator app would show, computed by another implementation.
      const code = () => generateSync({ secret, epoch: Math.floor(Date.now() / 1000) });
      await submit(page, { code: code() }, '/2fa'); // the recovery codes: web-app-recovery.spec.ts
      expect(await page.textContent('body')).to.contain('Two-factor authentication is now on.');

      await submit(page, {}, '/login', 'Log out');
      expect(await page.context().cookies()).to.deep.equal([]);

      await submit(page, { username: 'alice', password: 'alice-password' }, '/login/code');
      const wrong = String((Number(code()) + 1) % 1_000_000).padStart(6, '0');
      const refused = await submit(page, { code: wrong }, '/login/code');
      expect(refused).to.equal(401);
      expect(await page.textContent('[role=alert]')).to.contain('That code is not right.');
      await page.goto(`${base}/profile`);
      expect(page.url()).to.equal(`${base}/login/code`); // the password alone does not log in

      clock.tick(30_000); // the enrolment code was used: the next step's code
      await submit(page, { code: code() }, '/profile');
      expect(await page.textContent('body')).to.contain('Two-factor authentication is on.');
      await page.close();
    });
  });

  describe('signing in with the Example IdP (examples/idp.ts)', () => {
    let idp: TestIdp;
    let app: LoopbackServer;
    let idpJam: Jam;
    before(async () => {
      app = await listenLoopback();
      const redirectUri = `${app.origin}/auth/example/callback`;
      idp = await startIdp(() => [
        { client_id: 'web-app', client_secret: 'web-app-secret', redirect_uris: [redirectUri] },
      ]);
      idpJam = new Jam({
        session: {},
        otp: {},
        passkeys: { rpId: 'localhost' },
        oauth2: {
          providers: {
            example: { issuer: idp.issuer, clientId: 'web-app', clientSecret: 'web-app-secret', redirectUri },
          },
        },
      });
      app.handle(createWebApp(idpJam, users).callback());
    });
    after(async () => {
      await Promise.all([app?.close(), idp?.close()]);
      await idpJam?.close();
    });

    it('over HTTP: the button leads to the IdP, and back with a session; a refused login shows the login page', async () => {
      const browser = new CookieBrowser();
      const login = await (await browser.get(`${app.origin}/login`)).text();
      expect(login).to.contain('href="/auth/example/login?returnTo=/profile">Sign in with Example IdP</a>');
      const callback = await browser.signIn(`${app.origin}/auth/example/login?returnTo=/profile`, 'dave');
      const back = await browser.get(callback);
      expect(back.status).to.equal(302);
      expect(back.headers.get('location')).to.equal('/profile');
      const profile = await (await browser.get(`${app.origin}/profile`)).text();
      expect(profile).to.contain('Hello, dave@example.com').and.contain('Signed in with Example IdP');
      expect((await browser.get(`${app.origin}/2fa`)).headers.get('location')).to.equal('/profile');

      const denied = new CookieBrowser();
      const start = await denied.startLogin(`${app.origin}/auth/example/login`);
      const refused = await denied.get(await denied.authorize(start, 'dave', { deny: true }));
      expect(refused.status).to.equal(401);
      expect(await refused.text()).to.contain('Signing in with Example IdP did not work.');
    });

    it('in Chromium: click, the IdP login page, consent, back on the profile page with a koa-jam session', async function () {
      const chromium = await chromiumOrSkip(this);
      try {
        const context = await chromium.newContext();
        // Nothing leaves loopback (the IdP's development pages import a web font).
        await context.route('**/*', (route) =>
          new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort(),
        );
        const page = await context.newPage();
        await page.goto(`${app.origin}/login`);
        await Promise.all([
          page.waitForURL(`${idp.issuer}/interaction/**`),
          page.click('text=Sign in with Example IdP'),
        ]);
        await page.fill('input[name=login]', 'erin');
        await page.fill('input[name=password]', 'any password');
        await page.click('button:has-text("Sign-in")');
        await page.waitForSelector('button:has-text("Continue")'); // the consent page
        await Promise.all([
          page.waitForURL(`${app.origin}/profile`),
          page.click('button:has-text("Continue")'),
        ]);
        expect(await page.textContent('h1')).to.equal('Hello, erin@example.com');
        expect(await page.textContent('body')).to.contain('Signed in with Example IdP');
        const session = (await context.cookies(app.origin)).find((c) => c.name === 'sessionId');
        expect(session).to.include({ httpOnly: true, sameSite: 'Lax' });
        expect(await idpJam.getSession(session!.value)).to.deep.equal({
          username: 'erin@example.com',
          via: 'Example IdP',
          key: 'example:erin', // the provider's subject: its sessions, as "Your devices" lists them
        });
        mkdirSync('test-output', { recursive: true });
        await page.screenshot({ path: IDP_SCREENSHOT, fullPage: true });
      } finally {
        await chromium.close();
      }
    });
  });
});

/** Rasterises the page's QR code SVG in the browser and decodes it with jsQR. */
async function readQrCode(page: Page): Promise<string> {
  const size = 300;
  const pixels = await page.evaluate(async (size) => {
    const svg = document.querySelector('#otp-qr svg')!;
    const image = new Image();
    image.src = `data:image/svg+xml;base64,${btoa(new XMLSerializer().serializeToString(svg))}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = size;
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, size, size);
    context.drawImage(image, 0, 0, size, size);
    return Array.from(context.getImageData(0, 0, size, size).data);
  }, size);
  const found = jsQR(Uint8ClampedArray.from(pixels), size, size);
  expect(found, 'a QR code on the enrolment page').to.not.equal(null);
  return found!.data;
}
