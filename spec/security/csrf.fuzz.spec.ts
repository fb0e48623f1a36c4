import type { Server } from 'node:http';
import { expect } from 'chai';
import fc from 'fast-check';
import Koa from 'koa';
import { jamCsrf } from 'koa-jam';
import request from 'supertest';
import { FUZZ_SUITE_TIMEOUT_MS, fuzzSettings } from './fuzz-settings.js';
import { listenOnLoopback } from './guarded-app.js';

describe('security: fuzzing jamCsrf (fast-check)', function () {
  this.timeout(FUZZ_SUITE_TIMEOUT_MS);
  let server: Server;
  before(async () => {
    const app = new Koa();
    app.use(jamCsrf()); // the defaults: the sessionId and jwt cookies
    app.use((ctx) => (ctx.body = 'done'));
    server = await listenOnLoopback(app);
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  it('refuses exactly the cross-origin state-changing requests that carry a credential cookie', async () => {
    const cookie = fc.tuple(
      fc.constantFrom('sessionId', 'jwt', 'theme', 'sessionid', 'JWT', 'jwt2'),
      fc.stringMatching(/^[A-Za-z0-9]{1,12}$/),
    );
    const request_ = fc.record({
      method: fc.constantFrom('GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'),
      cookies: fc.array(cookie, { maxLength: 3 }),
      site: fc.constantFrom('', 'same-origin', 'none', 'same-site', 'cross-site'),
      origin: fc.constantFrom('', 'http://app.test', 'https://evil.example', 'null'),
    });
    await fc.assert(
      fc.asyncProperty(request_, async ({ method, cookies, site, origin }) => {
        let req = request(server)[method.toLowerCase() as 'post'](`/things`).set('Host', 'app.test');
        if (cookies.length > 0) req = req.set('Cookie', cookies.map(([k, v]) => `${k}=${v}`).join('; '));
        if (site) req = req.set('Sec-Fetch-Site', site);
        if (origin) req = req.set('Origin', origin);
        const res = await req;
        const credential = cookies.some(([name]) => name === 'sessionId' || name === 'jwt');
        const sameOrigin =
          site === 'same-origin' ||
          site === 'none' ||
          (site === '' && (origin === 'http://app.test' || origin === ''));
        const refused = !['GET', 'HEAD', 'OPTIONS'].includes(method) && credential && !sameOrigin;
        expect(res.status, JSON.stringify({ method, cookies, site, origin })).to.equal(refused ? 403 : 200);
      }),
      fuzzSettings(0.5),
    );
  });
});
