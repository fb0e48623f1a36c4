import type { AddressInfo } from 'node:net';
import { createControllersApp, demoJam } from './controllers-app.js';

interface Request {
  method?: 'GET' | 'POST';
  body?: unknown;
  token?: string;
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

  async function step(label: string, path: string, request: Request, expected: number) {
    const { method = request.body === undefined ? 'GET' : 'POST', body, token } = request;
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const res = await fetch(base + path, { method, headers, body: JSON.stringify(body) });
    const answer = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    const ok = res.status === expected;
    if (!ok) failures++;
    const shown = JSON.stringify(answer)
      .replace(/(eyJ[\w-]{8})[\w.-]+/g, '$1…')
      .slice(0, 100);
    console.log(
      `${ok ? 'ok  ' : 'FAIL'} ${method.padEnd(4)} ${path.padEnd(12)} -> ${res.status}${ok ? '' : ` (want ${expected})`}  ${label.padEnd(46)} ${shown}`,
    );
    return answer;
  }
  const login = (username: string, password: string) => ({ body: { username, password } });

  try {
    console.log(`koa-jam demo: examples/controllers-app.ts on ${base}\n`);
    await step('a wrong password is refused', '/auth/login', login('alice', 'guess'), 401);
    await step(
      'a login without a password fails validation',
      '/auth/login',
      { body: { username: 'alice' } },
      400,
    );
    const alice = await step(
      'alice logs in and gets a JWT',
      '/auth/login',
      login('alice', 'alice-password'),
      200,
    );
    await step('no token: the profile needs a login', '/profile', {}, 401);
    await step("alice's token: her profile", '/profile', { token: String(alice.token) }, 200);
    await step('alice is no admin', '/admin', { token: String(alice.token) }, 403);
    const root = await step('root logs in', '/auth/login', login('root', 'root-password'), 200);
    await step('root reaches the admin page', '/admin', { token: String(root.token) }, 200);
    await step(
      'alice edits her token to claim admin: refused',
      '/admin',
      { token: withAdminRole(alice.token) },
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
