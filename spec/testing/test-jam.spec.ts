import { execFileSync } from 'node:child_process';
import Router from '@koa/router';
import { expect } from 'chai';
import Koa from 'koa';
import { generateOtpSecret, generateRsaKeyPair, Jam, jamJwt, jamSession, requirePayload } from 'koa-jam';
import { createTestJam, type TestJam } from 'koa-jam/testing';
import request from 'supertest';
import { rejectsWith, throwsWith } from '../helpers/errors.js';

/** The app under test: a JWT API and a session site, each behind requirePayload. */
function appFor(jam: Jam, cookieName?: string) {
  const app = new Koa();
  const router = new Router();
  router.get('/api/me', jamJwt(jam), requirePayload(), (ctx) => (ctx.body = ctx.state.payload));
  router.get(
    '/site/me',
    jamSession(jam, cookieName),
    requirePayload(),
    (ctx) => (ctx.body = ctx.state.payload),
  );
  app.use(router.routes());
  return app.callback();
}

describe('koa-jam/testing', () => {
  let jam: TestJam;
  beforeEach(() => (jam = createTestJam()));
  afterEach(() => jam.close());

  it('makes a real Jam with every section but the optional peers on', async () => {
    expect(jam).to.be.instanceOf(Jam);
    expect(jam.sessionLifetime()).to.deep.equal({ ttl: 3600, rolling: false });
    expect(jam.isAllowed({ scope: 'read' }, 'read')).to.equal(true);
    expect(jam.oauth2Providers()).to.deep.equal([]);
    throwsWith(() => jam.passkeyRelyingParty(), 'ERR_CONFIG');
  });

  describe('bearerHeader', () => {
    it('passes jamJwt and requirePayload', async () => {
      const headers = await jam.bearerHeader({ sub: 'alice' });
      expect(headers).to.have.all.keys('Authorization');
      const res = await request(appFor(jam)).get('/api/me').set(headers).expect(200);
      expect(res.body).to.include({ sub: 'alice' });
      expect(res.body.exp - res.body.iat).to.equal(3600);
      await request(appFor(jam)).get('/api/me').expect(401);
    });

    it('is refused once revoked, and by another test Jam (each has its own key)', async () => {
      const headers = await jam.bearerHeader({ sub: 'alice' });
      const other = createTestJam();
      await request(appFor(other)).get('/api/me').set(headers).expect(401);
      await other.close();
      await jam.revokeJwtToken(headers.Authorization.slice('Bearer '.length));
      await request(appFor(jam)).get('/api/me').set(headers).expect(401);
    });

    it('backs token pairs: a spent refresh token presented again revokes its family', async () => {
      const first = await jam.genTokenPair({ sub: 'alice' });
      const second = await jam.refreshTokenPair(first.refreshToken);
      await rejectsWith(jam.refreshTokenPair(first.refreshToken), 'ERR_JWT_REVOKED');
      await rejectsWith(jam.verifyJwtToken(second.accessToken), 'ERR_JWT_REVOKED');
    });

    it('uses the keys and options it is given', async () => {
      const rsa = createTestJam({ jwt: { alg: 'RS256', ...(await generateRsaKeyPair()), expire: 60 } });
      const headers = await rsa.bearerHeader({ sub: 'bob' });
      const token = headers.Authorization.slice('Bearer '.length);
      expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).to.include({
        alg: 'RS256',
      });
      const res = await request(appFor(rsa)).get('/api/me').set(headers).expect(200);
      expect(res.body.exp - res.body.iat).to.equal(60);
      expect(rsa.jwks().keys).to.have.length(1);
      await rsa.close();
    });
  });

  describe('sessionCookie', () => {
    it('passes jamSession and requirePayload, until the sessions of its key are cleared', async () => {
      const cookie = await jam.sessionCookie({ user: 1 }, { sessionKey: 'alice' });
      expect(cookie).to.match(/^sessionId=[^;\s]+$/);
      const res = await request(appFor(jam)).get('/site/me').set('Cookie', cookie).expect(200);
      expect(res.body).to.deep.equal({ user: 1 });
      await jam.clearSessions('alice');
      await request(appFor(jam)).get('/site/me').set('Cookie', cookie).expect(401);
    });

    it('uses the cookie name it is given', async () => {
      const cookie = await jam.sessionCookie({ user: 2 }, { cookieName: 'sid' });
      await request(appFor(jam, 'sid')).get('/site/me').set('Cookie', cookie).expect(200, { user: 2 });
      await request(appFor(jam)).get('/site/me').set('Cookie', cookie).expect(401);
    });

    it('refuses an unknown or malformed option by name', async () => {
      const unknown = await rejectsWith(jam.sessionCookie({}, { cookie: 'sid' } as never), 'ERR_CONFIG');
      expect(unknown.message).to.equal('unknown option sessionCookie.cookie (known: sessionKey, cookieName)');
      const empty = await rejectsWith(jam.sessionCookie({}, { sessionKey: '' }), 'ERR_CONFIG');
      expect(empty.message).to.equal('sessionCookie.sessionKey must be a non-empty string');
    });
  });

  describe('otpCode', () => {
    it('is the code for the time it is given, and only around it', async () => {
      const secret = generateOtpSecret();
      const at = new Date(Date.UTC(2026, 5, 1, 12));
      const code = jam.otpCode(secret, at);
      expect(code).to.equal(jam.otpCode(secret, at.getTime() / 1000));
      expect(await jam.verifyOtpCode(secret, code, { factor: at.getTime() / 1000 })).to.equal(true);
      expect(await jam.verifyOtpCode(secret, code, { factor: at.getTime() / 1000 + 3600 })).to.equal(false);
    });

    it("defaults to the clock's now, and the test Jam refuses it replayed", async () => {
      const secret = generateOtpSecret();
      const code = jam.otpCode(secret);
      expect(await jam.verifyOtpCode(secret, code, { sessionKey: 'alice' })).to.equal(true);
      expect(await jam.verifyOtpCode(secret, code, { sessionKey: 'alice' })).to.equal(false);
    });
  });

  describe('config', () => {
    it('leaves out a section set to false', async () => {
      const bare = createTestJam({ session: false, otp: false, authz: false });
      expect(await bare.bearerHeader({ sub: 'alice' })).to.have.property('Authorization');
      await rejectsWith(bare.sessionCookie({}), 'ERR_CONFIG');
      throwsWith(() => bare.otpCode(generateOtpSecret()), 'ERR_CONFIG');
      throwsWith(() => bare.isAllowed({}, 'read'), 'ERR_CONFIG');
      const noJwt = createTestJam({ jwt: false });
      await rejectsWith(noJwt.bearerHeader({}), 'ERR_CONFIG');
      await Promise.all([bare.close(), noJwt.close()]);
    });

    it('refuses what Jam refuses, by name', () => {
      expect(throwsWith(() => createTestJam({ sesion: {} } as never), 'ERR_CONFIG').message).to.include(
        'sesion',
      );
      expect(
        throwsWith(() => createTestJam({ jwt: { expires: 60 } as never }), 'ERR_CONFIG').message,
      ).to.include('expires');
      throwsWith(() => createTestJam({ jwt: true as never }), 'ERR_CONFIG');
    });
  });

  it('is a subpath: koa-jam does not load it, and it loads no package koa-jam does not', () => {
    const loaded = (entry: string): string[] =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [
            '-e',
            `require(${JSON.stringify(entry)});` +
              'console.log(JSON.stringify(Object.keys(require.cache).map((f) => f.includes("/node_modules/") ? f.replace(/.*\\/node_modules\\//, "").split("/")[0] : f.includes("/dist/testing/") ? "testing" : "").filter(Boolean)))',
          ],
          { encoding: 'utf8' },
        ),
      );
    const root = new Set(loaded('koa-jam'));
    const testing = new Set(loaded('koa-jam/testing'));
    expect(root.has('testing')).to.equal(false);
    expect(testing.has('testing')).to.equal(true);
    expect([...testing].filter((name) => name !== 'testing' && !root.has(name))).to.deep.equal([]);
  });
});
