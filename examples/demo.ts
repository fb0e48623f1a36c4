import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { createControllersApp, demoJam } from './controllers-app.js';
import { Jam } from 'koa-jam';
import { CookieBrowser } from '../spec/helpers/cookie-browser.js';
import { listenLoopback } from '../spec/helpers/loopback-server.js';
import { startIdp } from '../spec/helpers/oidc-provider.js';
import { createDemoJam, createJwtApp } from './jwt-app.js';
import { createWebApp } from './web-app.js';
import { WebUsers } from './web-users.js';

interface Request {
  method?: 'GET' | 'POST';
  body?: unknown;
  /** A JWT, sent as `Authorization: Bearer <token>`. */
  token?: unknown;
  /** A session id, sent as the `sessionId` cookie. */
  session?: unknown;
}

interface Answer {
  body: Record<string, unknown>;
  /** The session cookie the answer sets ('' when it clears it). */
  session?: string;
}

let failures = 0;

/**
 * A newcomer's first run: starts examples/controllers-app.ts, then examples/jwt-app.ts, then examples/web-app.ts
 * with examples/idp.ts, on free loopback ports and walks through them as an HTTP client, one line per step. Exits 0 only when every step answered
 * as expected.
 */
async function main(): Promise<number> {
  console.log('koa-jam demo: three example apps, each on a free loopback port, walked through over HTTP');
  await walk('examples/controllers-app.ts', demoJam(), createControllersApp, async (step) => {
    const login = (username: string, password: string) => ({ body: { username, password } });
    await step('a wrong password is refused', '/auth/session', login('alice', 'guess'), 401);
    await step('a login without a password', '/auth/session', { body: { username: 'alice' } }, 400);
    const alice = await step(
      'alice logs in: a session',
      '/auth/session',
      login('alice', 'alice-password'),
      200,
    );
    await step('no session: the profile needs a login', '/profile', {}, 401);
    await step("alice's session: her profile", '/profile', { session: alice.session }, 200);
    await step('alice is no admin', '/admin', { session: alice.session }, 403);
    const root = await step('root logs in', '/auth/session', login('root', 'root-password'), 200);
    await step('root reaches the admin page', '/admin', { session: root.session }, 200);
    await step('root logs out', '/auth/logout', { method: 'POST', session: root.session }, 204);
    await step("root's old session is refused", '/admin', { session: root.session }, 401);
    const api = await step(
      'an API client logs in: a JWT',
      '/auth/login',
      login('alice', 'alice-password'),
      200,
    );
    const token = api.body.token;
    await step('with the JWT: her profile', '/profile', { token }, 200);
    await step('she edits it to claim admin: refused', '/admin', { token: withAdminRole(token) }, 401);
    await step('she logs out: the JWT is revoked', '/auth/logout', { method: 'POST', token }, 204);
    await step('the revoked JWT is refused', '/profile', { token }, 401);
  });

  await walk('examples/jwt-app.ts', createDemoJam(), createJwtApp, async (step) => {
    const alice = { body: { username: 'alice', password: 'alice-password' } };
    const pair = await step('a token pair: access + refresh', '/token', alice, 200);
    const refresh = { body: { refreshToken: pair.body.refreshToken } };
    const next = await step('the refresh token buys a new pair', '/refresh', refresh, 200);
    await step('a spent refresh token is refused...', '/refresh', refresh, 401);
    await step('...and ends the whole login', '/get_user', { token: next.body.accessToken }, 403);
    await step('the public keys, for other services', '/.well-known/jwks.json', {}, 200);
  });

  await walkIdpLogin();

  console.log(
    failures === 0 ? '\nevery step behaved as expected' : `\n${failures} step(s) did not behave as expected`,
  );
  return failures === 0 ? 0 : 1;
}

type Step = (label: string, path: string, request: Request, expected: number) => Promise<Answer>;

/** Serves `createApp(jam)` on a free loopback port for the steps of `script`, then stops it. */
async function walk<J extends { close(): Promise<void> }>(
  name: string,
  jam: J,
  createApp: (jam: J) => Koa,
  script: (step: Step) => Promise<void>,
): Promise<void> {
  const server: Server = createApp(jam).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  console.log(`\n${name} on ${base}`);
  try {
    await script((label, path, request, expected) => step(base, label, path, request, expected));
  } finally {
    server.close();
    await jam.close();
  }
}

async function step(base: string, label: string, path: string, request: Request, expected: number) {
  const { method = request.body === undefined ? 'GET' : 'POST', body, token, session } = request;
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (session !== undefined) headers.cookie = `sessionId=${session}`;
  const res = await fetch(base + path, { method, headers, body: JSON.stringify(body) });
  const answer: Answer = {
    body: (await res.json().catch(() => ({}))) as Record<string, unknown>,
    session: /^sessionId=([^;]*)/.exec(res.headers.getSetCookie()[0] ?? '')?.[1],
  };
  let shown = JSON.stringify(answer.body);
  if (answer.session !== undefined) shown += ` + cookie ${answer.session || '(cleared)'}`;
  report(method, path, res.status, expected, label, shown);
  return answer;
}

/** One line per step; a status other than `expected` counts as a failure. */
function report(
  method: string,
  path: string,
  status: number,
  expected: number,
  label: string,
  shown: string,
) {
  const ok = status === expected;
  if (!ok) failures++;
  shown = shown.replace(/(eyJ[\w-]{8}|cookie [\w-]{8})[\w.-]+/g, '$1…');
  console.log(
    [
      ok ? 'ok  ' : 'FAIL',
      method.padEnd(4),
      path.padEnd(22),
      `-> ${status}${ok ? '' : ` (want ${expected})`}`,
      label.padEnd(40),
      shown.length > 80 ? `${shown.slice(0, 79)}…` : shown,
    ].join(' '),
  );
}

/**
 * examples/web-app.ts signing in with examples/idp.ts (a real OpenID Provider), each on a free loopback port:
 * the redirect to the IdP, its login and consent forms, the callback, the profile, and a replayed callback.
 */
async function walkIdpLogin(): Promise<void> {
  const app = await listenLoopback();
  const redirectUri = `${app.origin}/auth/example/callback`;
  const idp = await startIdp(() => [
    { client_id: 'web-app', client_secret: 'web-app-secret', redirect_uris: [redirectUri] },
  ]);
  const jam = new Jam({
    session: {},
    passkeys: { rpId: 'localhost' }, // the site offers passkeys too (not walked here: they need a browser)
    oauth2: {
      providers: {
        example: { issuer: idp.issuer, clientId: 'web-app', clientSecret: 'web-app-secret', redirectUri },
      },
    },
  });
  app.handle(createWebApp(jam, await WebUsers.create({})).callback());
  console.log(`\nexamples/web-app.ts on ${app.origin}, signing in with examples/idp.ts on ${idp.issuer}`);
  const browser = new CookieBrowser();
  const path = (url: URL) =>
    url.pathname + (url.search.length > 20 ? `${url.search.slice(0, 19)}…` : url.search);
  try {
    const page = await browser.get(`${app.origin}/login`);
    const button = /Sign in with Example IdP/.test(await page.text());
    report(
      'GET',
      '/login',
      page.status,
      200,
      'the login page',
      button ? 'a "Sign in with Example IdP" button' : 'no button',
    );
    if (!button) failures++;
    const start = await browser.get(`${app.origin}/auth/example/login?returnTo=/profile`);
    const authorize = new URL(start.headers.get('location') ?? '/', app.origin);
    report(
      'GET',
      '/auth/example/login',
      start.status,
      302,
      'the button: off to the IdP',
      `${authorize.origin}${authorize.pathname}?…&code_challenge_method=S256`,
    );
    const callback = await browser.authorize(authorize, 'demo');
    report(
      'POST',
      '(IdP forms)',
      callback.searchParams.has('code') ? 303 : 400, // the IdP's last redirect, to the callback with a code
      303,
      'demo signs in and consents at the IdP',
      `back to ${path(callback)}`,
    );
    const back = await browser.get(callback);
    report(
      'GET',
      callback.pathname,
      back.status,
      302,
      'the callback: code exchanged, ID token ok',
      `to ${back.headers.get('location')} + cookie ${browser.cookie('127.0.0.1', 'sessionId') ?? 'none'}`,
    );
    const profile = await browser.get(`${app.origin}/profile`);
    const hello = /<h1>([^<]*)<\/h1>/.exec(await profile.text())?.[1] ?? '';
    report('GET', '/profile', profile.status, 200, 'the profile, with a koa-jam session', hello);
    const replay = await browser.get(callback);
    report(
      'GET',
      callback.pathname,
      replay.status,
      401,
      'the same callback again: refused',
      'a spent login transaction',
    );
  } finally {
    await Promise.all([app.close(), idp.close()]);
    await jam.close();
  }
}

/** The token with `roles: ['admin']` written into its payload, the signature left as it was. */
function withAdminRole(token: unknown): string {
  const [header, payload, signature] = String(token).split('.');
  const claims = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), roles: ['admin'] };
  return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
