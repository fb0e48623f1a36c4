import { expect } from 'chai';
import { generateOtpSecret, Jam } from 'koa-jam';
import request from 'supertest';
import { logSecurityEvents } from '../../examples/console-events.js';
import { createWebApp } from '../../examples/web-app.js';
import { WebUsers } from '../../examples/web-users.js';
import { ALICE, ORIGIN, PASSKEYS, PasskeyTable } from '../engine/passkeys/passkey-app.js';
import { rejectsWith } from '../helpers/errors.js';
import { eventually } from '../helpers/eventually.js';
import { redisOrSkip } from '../helpers/redis-or-skip.js';
import type { RedisServer } from '../../test-support/redis-server.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';

describe('examples/console-events (the web app console)', function () {
  this.timeout(30_000);
  const lines: string[] = [];
  let stop: () => void;
  beforeEach(() => {
    lines.length = 0;
    stop = logSecurityEvents((line) => lines.push(line));
  });
  afterEach(() => stop());

  it('prints a lockout when wrong codes are posted to the web app', async () => {
    const jam = new Jam({ session: {}, otp: { maxAttempts: 2 }, passkeys: { rpId: 'localhost' } });
    const users = await WebUsers.create({ carol: 'carol-password' });
    users.enableOtp('carol', generateOtpSecret());
    const app = createWebApp(jam, users).callback();
    const login = await request(app)
      .post('/login')
      .type('form')
      .send({ username: 'carol', password: 'carol-password' });
    const cookie = (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    for (let i = 0; i < 2; i++)
      await request(app).post('/login/code').set('Cookie', cookie).type('form').send({ code: '000000' });
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^\[security\] carol locked out after 2 wrong codes, until \d{4}-/);
    await jam.close();
  });

  it('prints a refused sign-in with the identity provider, naming the refusal and never the state', async () => {
    const jam = new Jam({
      session: {},
      passkeys: { rpId: 'localhost' },
      oauth2: {
        providers: {
          example: {
            issuer: 'http://127.0.0.1:9', // never reached: the callback is refused before any provider call
            clientId: 'web-app',
            redirectUri: 'http://127.0.0.1:3000/auth/example/callback',
          },
        },
      },
    });
    const app = createWebApp(jam, await WebUsers.create({})).callback();
    const state = 'forged-state-that-matches-no-login';
    await request(app).get(`/auth/example/callback?code=forged-code&state=${state}`).expect(401);
    expect(lines).to.deep.equal(['[security] sign-in with example failed: ERR_OAUTH2 (no-cookie)']);
    await jam.close();
  });

  it('prints a passkey whose counter did not grow', async () => {
    const jam = new Jam({ passkeys: PASSKEYS });
    const [device, table] = [new SoftAuthenticator(ORIGIN), new PasskeyTable()];
    const credential = await jam.verifyPasskeyRegistration(
      ALICE,
      device.register(await jam.passkeyRegistrationOptions(ALICE)),
    );
    await table.saveCredential(credential);
    await jam.verifyPasskeyLogin(device.login(await jam.passkeyLoginOptions(), { counter: 7 }), table);
    await rejectsWith(
      jam.verifyPasskeyLogin(device.login(await jam.passkeyLoginOptions(), { counter: 7 }), table),
      'ERR_PASSKEY_COUNTER',
    );
    expect(lines).to.deep.equal([
      `[security] passkey ${credential.id} of user-1 refused, counter 7 after 7: possibly cloned`,
    ]);
    await jam.close();
  });

  describe('with the sessions on Redis', () => {
    let redis: RedisServer;
    before(async function () {
      redis = await redisOrSkip(this, { durable: true });
    });
    after(() => redis?.stop());

    it('prints the outage and the recovery while the site answers 503', async () => {
      const jam = new Jam({
        session: { store: redis.url, storeTimeout: 300 },
        otp: {},
        passkeys: { rpId: 'localhost' },
      });
      const app = createWebApp(jam, await WebUsers.create({ dave: 'dave-password' })).callback();
      const login = await eventually(() =>
        request(app)
          .post('/login')
          .type('form')
          .send({ username: 'dave', password: 'dave-password' })
          .expect(303),
      );
      const cookie = (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
      await redis.stop();
      try {
        await request(app).get('/profile').set('Cookie', cookie).expect(503);
      } finally {
        await redis.start();
      }
      await eventually(() => request(app).get('/profile').set('Cookie', cookie).expect(200));
      expect(lines[0]).to.match(/^\[security\] session store unavailable: session store read failed: /);
      expect(lines[1]).to.match(/^\[security\] session store back after \d+ ms$/);
      expect(lines).to.have.length(2);
      await jam.close();
    });
  });
});
