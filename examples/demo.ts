import type { AddressInfo } from 'node:net';
import { createDemoJam, createJwtApp } from './jwt-app.js';

/** A newcomer's first run: starts the JWT example on a free loopback port and walks through it as a client. */
async function main(): Promise<number> {
  const jam = createDemoJam();
  const server = createJwtApp(jam).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let failures = 0;

  async function step(
    label: string,
    path: string,
    init: RequestInit,
    expected: number,
  ): Promise<Record<string, unknown>> {
    const res = await fetch(base + path, init);
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    const ok = res.status === expected;
    if (!ok) failures++;
    const shown = JSON.stringify(body).slice(0, 90);
    console.log(
      `${ok ? 'ok  ' : 'FAIL'} ${init.method ?? 'GET'} ${path.padEnd(10)} -> ${res.status} (want ${expected})  ${label}  ${shown}`,
    );
    return body;
  }
  const json = (body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const bearer = (token: unknown): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });

  try {
    console.log(`koa-jam demo: examples/jwt-app.ts on ${base}\n`);
    await step('wrong password is refused', '/login', json({ username: 'alice', password: 'guess' }), 401);
    const { token } = await step(
      'alice logs in and gets a JWT',
      '/login',
      json({ username: 'alice', password: 'alice-password' }),
      200,
    );
    await step('no token: anonymous, refused', '/get_user', {}, 403);
    await step('with the token: the verified payload', '/get_user', bearer(token), 200);
    const tampered = String(token).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    await step('a tampered token is refused', '/get_user', bearer(tampered), 403);
    await step('alice logs out: the token is revoked', '/logout', { method: 'POST', ...bearer(token) }, 204);
    await step('the revoked token is refused', '/get_user', bearer(token), 403);
    const pair = await step(
      'a token pair instead',
      '/token',
      json({ username: 'alice', password: 'alice-password' }),
      200,
    );
    const next = await step(
      'the refresh token buys a new pair',
      '/refresh',
      json({ refreshToken: pair.refreshToken }),
      200,
    );
    await step(
      'a spent refresh token is refused...',
      '/refresh',
      json({ refreshToken: pair.refreshToken }),
      401,
    );
    await step('...and ends the whole login', '/get_user', bearer(next.accessToken), 403);
    await step('the public keys, for other services', '/.well-known/jwks.json', {}, 200);
  } finally {
    server.close();
  }
  console.log(
    failures === 0 ? '\nevery step behaved as expected' : `\n${failures} step(s) did not behave as expected`,
  );
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
