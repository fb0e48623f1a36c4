import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import Koa from 'koa';
import {
  generateOtpSecret,
  generateRecoveryCodes,
  Jam,
  jamChannels,
  jamCsrf,
  jamJwt,
  jamSession,
  type JamError,
} from 'koa-jam';
import request from 'supertest';
import { freezeClock, type FrozenClock } from '../helpers/clock.js';
import { rejectsWith } from '../helpers/errors.js';
import { recordEvents, type EventRecorder } from '../helpers/events.js';
import { SECRET } from '../helpers/keys.js';
import { decodeSegment } from '../helpers/tokens.js';

const NOW = Date.UTC(2026, 0, 1);

function appWith(...middleware: Koa.Middleware[]) {
  const app = new Koa();
  for (const m of middleware) app.use(m);
  app.use((ctx) => (ctx.body = { payload: ctx.state.payload }));
  return app.callback();
}

describe('security events (koa-jam:* channels)', () => {
  let events: EventRecorder;
  let clock: FrozenClock;
  beforeEach(() => {
    clock = freezeClock(NOW);
    events = recordEvents();
  });
  afterEach(() => {
    events.stop();
    clock.uninstall();
  });

  it('declares every channel under the koa-jam: prefix', () => {
    expect(jamChannels).to.have.members([
      'koa-jam:auth.failure',
      'koa-jam:refresh.reuse',
      'koa-jam:token.revoked',
      'koa-jam:otp.failure',
      'koa-jam:otp.lockout',
      'koa-jam:recovery.used',
      'koa-jam:session.created',
      'koa-jam:session.ended',
      'koa-jam:csrf.refused',
      'koa-jam:store.unavailable',
      'koa-jam:store.recovered',
      'koa-jam:oauth2.login',
      'koa-jam:oauth2.failure',
      'koa-jam:passkey.registered',
      'koa-jam:passkey.used',
      'koa-jam:passkey.counter',
    ]);
  });

  it('docs/events.md has a row for every channel, and for no other', () => {
    const page = readFileSync(join(__dirname, '../../../docs/events.md'), 'utf8');
    const rows = [...page.matchAll(/^\| `(koa-jam:[\w.]+)`/gm)].map((match) => match[1]);
    expect(rows).to.have.members(jamChannels);
  });

  describe('auth.failure', () => {
    const jam = new Jam({ jwt: { secretKey: SECRET, list: { type: 'black' } }, session: {} });

    it('is published once per jamJwt request whose token is refused, with the code and the failed check', async () => {
      const app = appWith(jamJwt(jam));
      const good = await jam.genJwtToken(jam.makePayload({ sub: 'alice' }));
      const expired = await jam.genJwtToken(jam.makePayload({ sub: 'alice' }, { exp: 1 }));
      const forged = `${good.slice(0, good.lastIndexOf('.'))}.${'A'.repeat(43)}`;
      await request(app).get('/').set('Authorization', `Bearer ${good}`).expect(200);
      await request(app).get('/').expect(200);
      expect(events.of('koa-jam:auth.failure'), 'no event for a good token or none').to.deep.equal([]);

      clock.tick(2000);
      await request(app).get('/').set('Authorization', `Bearer ${expired}`).expect(200);
      await request(app).get('/').set('Authorization', `Bearer ${forged}`).expect(200);
      await jam.revokeJwtToken(good);
      await request(app).get('/').set('Authorization', `Bearer ${good}`).expect(200);
      expect(events.of('koa-jam:auth.failure')).to.deep.equal([
        { source: 'jwt', code: 'ERR_JWT_EXPIRED', check: 'exp', reason: 'token has expired' },
        {
          source: 'jwt',
          code: 'ERR_JWT_INVALID',
          check: 'signature',
          reason: 'invalid token: invalid signature',
        },
        { source: 'jwt', code: 'ERR_JWT_REVOKED', check: 'list', reason: 'token has been revoked' },
      ]);
    });

    it('is published once per jamSession request whose session id is refused; calling the engine directly publishes none', async () => {
      const app = appWith(jamSession(jam));
      const id = await jam.createSession('alice', {});
      await request(app).get('/').set('Cookie', `sessionId=${id}`).expect(200);
      await jam.deleteSession(id);
      await request(app).get('/').set('Cookie', `sessionId=${id}`).expect(200);
      expect(events.of('koa-jam:auth.failure')).to.deep.equal([
        { source: 'session', code: 'ERR_SESSION_NOT_FOUND', reason: 'no such session' },
      ]);
      expect(await jam.getSession(id)).to.equal(null);
      await rejectsWith(jam.verifyJwtToken('not-a-token'), 'ERR_JWT_INVALID');
      expect(events.of('koa-jam:auth.failure')).to.have.length(1);
    });
  });

  describe('refresh.reuse and token.revoked', () => {
    const jam = new Jam({ jwt: { secretKey: SECRET, list: { type: 'black' } } });

    it('a spent refresh token presented again publishes refresh.reuse and the revocation of its family', async () => {
      const first = await jam.genTokenPair({ sub: 'alice' });
      const family = decodeSegment(first.refreshToken, 1).fam;
      await jam.refreshTokenPair(first.refreshToken);
      expect(events.of('koa-jam:refresh.reuse')).to.deep.equal([]);
      await rejectsWith(jam.refreshTokenPair(first.refreshToken), 'ERR_JWT_REVOKED');
      expect(events.of('koa-jam:refresh.reuse')).to.deep.equal([{ sub: 'alice', family }]);
      expect(events.of('koa-jam:token.revoked')).to.deep.equal([{ kind: 'family', sub: 'alice', family }]);
    });

    it('revokeJwtToken publishes the token (by jti) or the family it revoked, revokeSubject the subject', async () => {
      const token = await jam.genJwtToken(jam.makePayload({ sub: 'bob' }));
      await jam.revokeJwtToken(token);
      const pair = await jam.genTokenPair({});
      await jam.revokeJwtToken(pair.accessToken);
      expect(events.of('koa-jam:token.revoked')).to.deep.equal([
        { kind: 'token', sub: 'bob', jti: decodeSegment(token, 1).jti },
        { kind: 'family', sub: undefined, family: decodeSegment(pair.accessToken, 1).fam },
      ]);
      events.clear();
      await jam.revokeSubject('carol');
      expect(events.of('koa-jam:token.revoked')).to.deep.equal([{ kind: 'subject', sub: 'carol' }]);
    });
  });

  describe('otp.failure and otp.lockout', () => {
    const jam = new Jam({ otp: { maxAttempts: 3, lockoutPeriod: 60 } });
    const secret = generateOtpSecret();
    const wrong = () => String((Number(jam.getOtpCode(secret)) + 1) % 1_000_000).padStart(6, '0');

    it('counts failures per session key, publishes the lockout and its end once, then refusals while locked', async () => {
      for (let i = 0; i < 4; i++) await jam.checkOtpCode(secret, wrong(), { sessionKey: 'alice' });
      expect(events.of('koa-jam:otp.failure')).to.deep.equal([
        { sessionKey: 'alice', code: 'ERR_OTP_INVALID', failures: 1, maxAttempts: 3 },
        { sessionKey: 'alice', code: 'ERR_OTP_INVALID', failures: 2, maxAttempts: 3 },
        { sessionKey: 'alice', code: 'ERR_OTP_INVALID', failures: 3, maxAttempts: 3 },
        { sessionKey: 'alice', code: 'ERR_OTP_LOCKED', failures: 3 },
      ]);
      expect(events.of('koa-jam:otp.lockout')).to.deep.equal([
        { sessionKey: 'alice', failures: 3, lockedUntil: NOW + 60_000 },
      ]);
    });

    it('publishes a replayed code, and a wrong code checked without a session key', async () => {
      const code = jam.getOtpCode(secret);
      expect(await jam.verifyOtpCode(secret, code, { sessionKey: 'bob' })).to.equal(true);
      expect(await jam.verifyOtpCode(secret, code, { sessionKey: 'bob' })).to.equal(false);
      expect(await jam.verifyOtpCode(secret, wrong())).to.equal(false);
      expect(events.of('koa-jam:otp.failure')).to.deep.equal([
        { sessionKey: 'bob', code: 'ERR_OTP_REPLAYED', failures: 1, maxAttempts: 3 },
        { code: 'ERR_OTP_INVALID' },
      ]);
    });
  });

  describe('recovery.used', () => {
    const jam = new Jam({ otp: { maxAttempts: 3, lockoutPeriod: 60 } });

    it('names the session key of a spent recovery code; its refusals are OTP failures marked recovery', async () => {
      const { codes, hashes } = generateRecoveryCodes(2);
      expect(await jam.useRecoveryCode('alice', codes[0], hashes)).to.equal(hashes[0]);
      expect(await jam.useRecoveryCode('alice', codes[0], hashes)).to.equal(null);
      expect(
        await jam.useRecoveryCode(
          'alice',
          codes[1].replace(/^./, (c) => (c === 'a' ? 'b' : 'a')),
          hashes,
        ),
      ).to.equal(null);
      await jam.useRecoveryCode('alice', 'nope', hashes);
      await jam.useRecoveryCode('alice', codes[1], hashes);
      expect(events.of('koa-jam:recovery.used')).to.deep.equal([{ sessionKey: 'alice' }]);
      expect(events.of('koa-jam:otp.failure')).to.deep.equal([
        { sessionKey: 'alice', code: 'ERR_OTP_REPLAYED', failures: 1, maxAttempts: 3, recovery: true },
        { sessionKey: 'alice', code: 'ERR_OTP_INVALID', failures: 2, maxAttempts: 3, recovery: true },
        { sessionKey: 'alice', code: 'ERR_OTP_INVALID', failures: 3, maxAttempts: 3, recovery: true },
        { sessionKey: 'alice', code: 'ERR_OTP_LOCKED', failures: 3, recovery: true },
      ]);
      expect(events.of('koa-jam:otp.lockout')).to.deep.equal([
        { sessionKey: 'alice', failures: 3, lockedUntil: NOW + 60_000 },
      ]);
    });
  });

  describe('session.created and session.ended', () => {
    const jam = new Jam({ session: {} });

    it('names the session key on create and clear, and the session by a reference that is not its id', async () => {
      const id = await jam.createSession('alice', { n: 1 });
      const reworked = await jam.reworkSession(id);
      await jam.deleteSession(reworked);
      await jam.deleteSession(reworked); // already gone: nothing ended
      await jam.createSession('bob', {});
      await jam.clearSessions('bob');
      const created = events.of('koa-jam:session.created');
      expect(created.map((m) => m.sessionKey)).to.deep.equal(['alice', 'bob']);
      const [alice, bob] = created.map((m) => m.session);
      expect(alice)
        .to.match(/^[\w-]{16}$/)
        .and.not.equal(bob);
      expect(id).to.not.contain(alice);
      const [rework, logout, clear] = events.of('koa-jam:session.ended');
      expect(rework).to.deep.include({ session: alice, reason: 'rework' });
      expect(rework.renewedAs)
        .to.match(/^[\w-]{16}$/)
        .and.not.equal(alice);
      expect(logout).to.deep.equal({ session: rework.renewedAs, reason: 'logout' });
      expect(clear).to.deep.equal({ sessionKey: 'bob', reason: 'clear' });
      expect(events.of('koa-jam:session.ended')).to.have.length(3);
    });
  });

  describe('csrf.refused', () => {
    it('names the method and where the refused request came from', async () => {
      const app = appWith(jamCsrf());
      await request(app)
        .post('/')
        .set('Cookie', 'sessionId=abc')
        .set('Origin', 'https://evil.example')
        .set('Sec-Fetch-Site', 'cross-site')
        .expect(403);
      await request(app)
        .delete('/')
        .set('Cookie', 'sessionId=abc')
        .set('Origin', 'https://evil.example')
        .expect(403);
      await request(app)
        .post('/')
        .set('Cookie', 'sessionId=abc')
        .set('Sec-Fetch-Site', 'same-origin')
        .expect(200);
      expect(events.of('koa-jam:csrf.refused')).to.deep.equal([
        { method: 'POST', origin: 'https://evil.example', fetchSite: 'cross-site' },
        { method: 'DELETE', origin: 'https://evil.example', fetchSite: undefined },
      ]);
    });
  });

  it('auth.failure carries the check and the message of the refusal (never the token)', async () => {
    const jam = new Jam({ jwt: { secretKey: SECRET } });
    const err: JamError = await rejectsWith(jam.verifyJwtToken('a.b.c'), 'ERR_JWT_INVALID');
    await request(appWith(jamJwt(jam)))
      .get('/')
      .set('Authorization', 'Bearer a.b.c');
    expect(events.of('koa-jam:auth.failure')).to.deep.equal([
      { source: 'jwt', code: err.code, check: err.check, reason: err.message },
    ]);
  });
});
