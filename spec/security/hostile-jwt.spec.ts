import { createServer, type Server } from 'node:http';
import { expect } from 'chai';
import type Koa from 'koa';
import { isJamError, type Jam, type JamError, type JwtCheck } from 'koa-jam';
import request from 'supertest';
import { createControllersApp } from '../../examples/controllers-app.js';
import { freezeClock, type FrozenClock } from '../helpers/clock.js';
import { craftRawToken } from '../helpers/tokens.js';
import { SECRET } from '../helpers/keys.js';
import { guardedApp, REASON_HEADER, type GuardedApp } from './guarded-app.js';
import {
  AUDIENCE,
  corpusJams,
  SIGNATURE_CASES,
  ISSUER,
  type CaseContext,
  type CorpusTarget,
} from './hostile-jwt-cases.js';
import { CLAIM_CASES } from './hostile-claim-cases.js';

// Every refusal names the check it failed (docs/errors.md); the spelling is part of the contract.
const JWT_CHECKS: JwtCheck[] = [
  'format',
  'alg',
  'kid',
  'crit',
  'signature',
  'exp',
  'nbf',
  'iat',
  'iss',
  'aud',
  'jti',
  'fam',
  'token_use',
  'list',
];

async function refusal(jam: Jam, token: string): Promise<unknown> {
  return jam.verifyJwtToken(token).then(
    (payload) => expect.fail(`accepted: ${JSON.stringify(payload).slice(0, 200)}`),
    (err: unknown) => err,
  );
}

describe('security: hostile JWT corpus', () => {
  let clock: FrozenClock;
  let trap: Server;
  let trapHits = 0;
  let context: CaseContext;
  const jams = corpusJams();
  const apps = Object.fromEntries(
    Object.entries(jams).map(([target, jam]) => [target, guardedApp(jam)]),
  ) as Record<CorpusTarget, GuardedApp>;

  before(async () => {
    trap = createServer((_req, res) => {
      trapHits++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    clock = freezeClock();
    const { port } = trap.address() as { port: number };
    context = { now: Math.floor(Date.now() / 1000), trapUrl: `http://127.0.0.1:${port}/keys` };
  });
  after(async () => {
    clock.uninstall();
    await new Promise((resolve) => trap.close(resolve));
  });

  it('serves a genuine token on every instance (the control that makes the refusals mean something)', async () => {
    for (const [target, jam] of Object.entries(jams) as Array<[CorpusTarget, Jam]>) {
      const token = await jam.genJwtToken(jam.makePayload({ sub: 'alice' }));
      expect(await jam.verifyJwtToken(token)).to.include({ sub: 'alice', iss: ISSUER, aud: AUDIENCE });
      const res = await request(apps[target].app.callback()).get('/').set('Authorization', `Bearer ${token}`);
      expect(res.status, target).to.equal(200);
      expect(res.body.payload).to.include({ sub: 'alice' });
    }
  });

  for (const hostile of [...SIGNATURE_CASES, ...CLAIM_CASES]) {
    it(`refuses ${hostile.name}`, async () => {
      const token = hostile.token(context);
      const err = await refusal(jams[hostile.target], token);
      expect(isJamError(err), String(err)).to.equal(true);
      expect((err as { code: string }).code, (err as Error).message).to.equal(hostile.code);
      expect(JWT_CHECKS, (err as Error).message).to.include((err as JamError).check);
      // One line of printable ASCII, whatever the token holds: safe to log.
      expect((err as Error).message).to.match(/^[\x20-\x7e]+$/);
      if (hostile.overHttp === 'unsendable') return;

      const { app, reached } = apps[hostile.target];
      const before = reached.count;
      const res = await request(app.callback()).get('/').set('Authorization', `Bearer ${token}`);
      expect(res.status).to.equal(401);
      expect(res.body).to.deep.equal({ error: 'Unauthorized' });
      expect(res.headers['www-authenticate']).to.equal('Bearer');
      expect(res.headers[REASON_HEADER]).to.equal(hostile.overHttp === 'no-token' ? 'none' : hostile.code);
      expect(reached.count).to.equal(before);
    });
  }

  it('answers every case 401 through routing-controllers too (examples/controllers-app.ts), never a 5xx', async () => {
    const withSessions = corpusJams({ session: {} }); // the example reads a session cookie or a JWT
    const controllers = Object.fromEntries(
      Object.entries(withSessions).map(([target, jam]) => [target, createControllersApp(jam).callback()]),
    ) as Record<CorpusTarget, ReturnType<Koa['callback']>>;
    for (const hostile of [...SIGNATURE_CASES, ...CLAIM_CASES]) {
      if (hostile.overHttp === 'unsendable') continue;
      const token = hostile.token(context);
      for (const path of ['/profile', '/admin']) {
        const res = await request(controllers[hostile.target])
          .get(path)
          .set('Authorization', `Bearer ${token}`);
        expect([hostile.name, path, res.status, res.body]).to.deep.equal([
          hostile.name,
          path,
          401,
          { error: 'Unauthorized' },
        ]);
      }
    }
    await Promise.all(Object.values(withSessions).map((jam) => jam.close()));
  });

  it('never contacts a URL named by jku, x5u or kid', () => {
    expect(trapHits).to.equal(0);
  });

  describe('prototype pollution', () => {
    const polluting =
      ',"__proto__":{"admin":true,"sub":"root"},"constructor":{"prototype":{"admin":true}},"prototype":{"admin":true}}';

    it('keeps __proto__ and constructor of a genuine token as plain data and pollutes nothing', async () => {
      const jam = jams.hs;
      const payloadJson = JSON.stringify(jam.makePayload({ sub: 'alice' })).replace(/}$/, polluting);
      const token = craftRawToken('{"alg":"HS256","typ":"JWT"}', payloadJson, SECRET);
      for (let pass = 0; pass < 2; pass++) {
        // the second pass is answered by the verified-token cache
        const payload = await jam.verifyJwtToken(token);
        expect(Object.getPrototypeOf(payload)).to.equal(Object.prototype);
        expect(payload.sub).to.equal('alice');
        expect(payload.admin).to.equal(undefined);
        expect(Object.keys(payload)).to.include.members(['__proto__', 'constructor', 'prototype']);
      }
      const res = await request(apps.hs.app.callback()).get('/').set('Authorization', `Bearer ${token}`);
      expect(res.status).to.equal(200);
      expect(res.body.payload).to.include({ sub: 'alice' });
      expect(res.body.payload.admin).to.equal(undefined);
      expect(({} as Record<string, unknown>).admin).to.equal(undefined);
      expect(Object.prototype).not.to.have.own.property('admin');
    });

    it('keeps them out of makePayload and genJwtToken as well', async () => {
      const jam = jams.hs;
      const data = JSON.parse('{"sub":"alice","__proto__":{"admin":true}}') as object;
      const payload = jam.makePayload(data);
      expect(Object.getPrototypeOf(payload)).to.equal(Object.prototype);
      expect((payload as Record<string, unknown>).admin).to.equal(undefined);
      const verified = await jam.verifyJwtToken(await jam.genJwtToken(payload));
      expect(verified.admin).to.equal(undefined);
      expect(({} as Record<string, unknown>).admin).to.equal(undefined);
    });

    it('signs claims named like Object.prototype members (jsonwebtoken alone throws on them)', async () => {
      const jam = jams.hs;
      const payload = jam.makePayload({ constructor: 'c', toString: 't', valueOf: 1, hasOwnProperty: false });
      expect(await jam.verifyJwtToken(await jam.genJwtToken(payload))).to.deep.equal(payload);
    });
  });

  describe('signing refuses the dates verification would refuse', () => {
    for (const exp of ['soon', Infinity, NaN, null, [1]]) {
      it(`exp ${String(exp)}`, async () => {
        const jam = jams.hs;
        const err = await jam.genJwtToken({ ...jam.makePayload({}), exp: exp as number }).catch((e) => e);
        // A payload the app built wrong is the app's bug (500), not a client's bad credential (401).
        expect(err).to.include({ name: 'JamError', code: 'ERR_INVALID_ARGUMENT', status: 500 });
      });
    }
  });

  describe('oversized tokens', () => {
    const huge = 'a'.repeat(1 << 20);

    it('refuses a 1 MB token before hashing, parsing or crypto', async () => {
      const jam = jams.hs;
      const stats = jam.jwtCacheStats();
      const err = await refusal(jam, huge);
      expect(err).to.include({ code: 'ERR_JWT_INVALID' });
      expect((err as Error).message).to.contain('maxTokenLength');
      // the cache lookup (a SHA-256 of the token) comes before parsing and crypto, and was not reached
      expect(jam.jwtCacheStats()).to.deep.equal(stats);
    });

    it('over HTTP, a header beyond Node limits (16 KiB) is answered 431 by Node, before Koa runs', async () => {
      const { app, reached } = apps.hs;
      const before = reached.count;
      for (const header of [
        ['Authorization', `Bearer ${huge}`],
        ['Cookie', `jwt=${huge}`],
        ['Authorization', `Bearer ${'a'.repeat(17 * 1024)}`],
      ]) {
        const res = await request(app.callback()).get('/').set(header[0], header[1]);
        expect(res.status, `${header[0]} of ${header[1].length} bytes`).to.equal(431);
      }
      expect(reached.count).to.equal(before);
    });
  });
});
