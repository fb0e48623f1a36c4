import type { AddressInfo } from 'node:net';
import { createControllersApp, demoJam } from './controllers-app.js';

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

/**
 * A newcomer's first run: starts examples/controllers-app.ts on a free loopback port and walks through it
 * as an HTTP client, one line per step. Exits 0 only when every step answered as expected.
 */
async function main(): Promise<number> {
  const jam = demoJam();
  const server = createControllersApp(jam).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let failures = 0;

  async function step(label: string, path: string, request: Request, expected: number): Promise<Answer> {
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
    const ok = res.status === expected;
    if (!ok) failures++;
    let shown = JSON.stringify(answer.body);
    if (answer.session !== undefined) shown += ` + cookie ${answer.session || '(cleared)'}`;
    shown = shown.replace(/(eyJ[\w-]{8}|cookie [\w-]{8})[\w.-]+/g, '$1…');
    console.log(
      [
        ok ? 'ok  ' : 'FAIL',
        method.padEnd(4),
        path.padEnd(13),
        `-> ${res.status}${ok ? '' : ` (want ${expected})`}`,
        label.padEnd(40),
        shown.length > 90 ? `${shown.slice(0, 89)}…` : shown,
      ].join(' '),
    );
    return answer;
  }
  const login = (username: string, password: string) => ({ body: { username, password } });

  try {
    console.log(`koa-jam demo: examples/controllers-app.ts on ${base}\n`);
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
    await step('with the JWT: her profile', '/profile', { token: api.body.token }, 200);
    await step(
      'she edits it to claim admin: refused',
      '/admin',
      { token: withAdminRole(api.body.token) },
      401,
    );
  } finally {
    server.close();
    await jam.close();
  }
  console.log(
    failures === 0 ? '\nevery step behaved as expected' : `\n${failures} step(s) did not behave as expected`,
  );
  return failures === 0 ? 0 : 1;
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
