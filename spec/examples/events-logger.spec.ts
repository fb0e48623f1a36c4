import { expect } from 'chai';
import { generateOtpSecret, Jam } from 'koa-jam';
import pino from 'pino';
import request from 'supertest';
import { forwardJamEvents } from '../../examples/events-logger.js';
import { createDemoJam, createJwtApp } from '../../examples/jwt-app.js';

describe('examples/events-logger', () => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { base: undefined, timestamp: false },
    { write: (line) => void lines.push(JSON.parse(line)) },
  );
  let forwarding: ReturnType<typeof forwardJamEvents>;
  beforeEach(() => {
    lines.length = 0;
    forwarding = forwardJamEvents(logger);
  });
  afterEach(() => forwarding.stop());

  it('logs a reused refresh token as an error and counts every event, with no token in any line', async () => {
    const app = createJwtApp(createDemoJam()).callback();
    const alice = { username: 'alice', password: 'alice-password' };
    const pair = (await request(app).post('/token').send(alice).expect(200)).body;
    await request(app).get('/get_user').set('Authorization', 'Bearer forged.token.value').expect(403);
    await request(app).post('/refresh').send({ refreshToken: pair.refreshToken }).expect(200);
    await request(app).post('/refresh').send({ refreshToken: pair.refreshToken }).expect(401);

    const reuse = lines.find((line) => line.event === 'koa-jam:refresh.reuse');
    expect(reuse).to.include({ level: 50, msg: 'koa-jam:refresh.reuse', sub: '1' });
    expect(reuse!.family).to.be.a('string');
    expect(lines.find((line) => line.event === 'koa-jam:auth.failure')).to.include({
      level: 30,
      source: 'jwt',
      code: 'ERR_JWT_INVALID',
    });
    expect(forwarding.counts).to.include({
      'koa-jam:refresh.reuse': 1,
      'koa-jam:token.revoked': 1,
      'koa-jam:auth.failure': 1,
      'koa-jam:otp.lockout': 0,
    });
    const logged = JSON.stringify(lines);
    for (const token of [pair.accessToken, pair.refreshToken, 'alice-password'])
      expect(logged).to.not.contain(token);
  });

  it('logs a lockout as a warning, and stops when told to', async () => {
    const jam = new Jam({ otp: { maxAttempts: 2 } });
    const secret = generateOtpSecret();
    const wrong = String((Number(jam.getOtpCode(secret)) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 2; i++) await jam.checkOtpCode(secret, wrong, { sessionKey: 'bob' });
    expect(lines.find((line) => line.event === 'koa-jam:otp.lockout')).to.include({
      level: 40,
      sessionKey: 'bob',
    });
    expect(forwarding.counts['koa-jam:otp.failure']).to.equal(2);
    forwarding.stop();
    await jam.checkOtpCode(secret, wrong, { sessionKey: 'bob' });
    expect(forwarding.counts['koa-jam:otp.failure']).to.equal(2);
    await jam.close();
  });
});
