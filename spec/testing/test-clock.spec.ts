import { expect } from 'chai';
import { generateOtpSecret } from 'koa-jam';
import { createTestJam, TestClock, type TestJam } from 'koa-jam/testing';
import { rejectsWith, throwsWith } from '../helpers/errors.js';

const START = Date.UTC(2030, 0, 1, 12);

describe('TestJam.clock', () => {
  let jam: TestJam;
  beforeEach(() => (jam = createTestJam({ jwt: { expire: 60 }, session: { ttl: 600 } }, { now: START })));
  afterEach(() => jam.close());

  it('stands still where it was started, apart from the process clock', () => {
    expect(jam.clock.now()).to.equal(START);
    jam.clock.advance(5000);
    expect(jam.clock.now()).to.equal(START + 5000);
    expect(Math.abs(Date.now() - START)).to.be.greaterThan(1000); // the process's time is untouched
    expect(createTestJam({}, { now: new Date(START) }).clock.now()).to.equal(START);
    const unset = createTestJam();
    expect(Math.abs(unset.clock.now() - Date.now())).to.be.lessThan(60_000);
  });

  it('dates the tokens it issues, and expires them as it moves', async () => {
    const payload = jam.makePayload({ sub: 'alice' });
    expect(payload.iat).to.equal(START / 1000);
    const token = await jam.genJwtToken(payload);
    jam.clock.advance(59_000);
    expect(await jam.verifyJwtToken(token)).to.include({ sub: 'alice' });
    jam.clock.advance(2_000);
    await rejectsWith(jam.verifyJwtToken(token), 'ERR_JWT_EXPIRED');
    jam.clock.set(START - 10_000); // before iat
    await rejectsWith(jam.verifyJwtToken(token), 'ERR_JWT_INVALID');
  });

  it('expires sessions in its in-memory store', async () => {
    const id = await jam.createSession('alice', { user: 1 });
    jam.clock.advance(599_000);
    expect(await jam.getSession(id)).to.deep.equal({ user: 1 });
    jam.clock.advance(1_000);
    expect(await jam.getSession(id)).to.equal(null);
  });

  it('moves OTP steps and ends a lockout', async () => {
    const secret = generateOtpSecret();
    const code = jam.otpCode(secret);
    expect(code).to.equal(jam.otpCode(secret, new Date(START)));
    jam.clock.advance(90_000); // three 30 s steps on: outside the default window
    expect(await jam.verifyOtpCode(secret, code)).to.equal(false);
    expect(await jam.verifyOtpCode(secret, jam.otpCode(secret))).to.equal(true);

    for (let i = 0; i < 5; i++) await jam.verifyOtpCode(secret, '000000', { sessionKey: 'bob' });
    const locked = await jam.checkOtpCode(secret, jam.otpCode(secret), { sessionKey: 'bob' });
    expect(locked).to.deep.include({ valid: false });
    expect(locked.valid === false && locked.error.code).to.equal('ERR_OTP_LOCKED');
    jam.clock.advance(15 * 60_000);
    expect(await jam.verifyOtpCode(secret, jam.otpCode(secret), { sessionKey: 'bob' })).to.equal(true);
  });

  it('refuses to move back by advance, or to a time that is not one', () => {
    throwsWith(() => jam.clock.advance(-1), 'ERR_INVALID_ARGUMENT');
    throwsWith(() => jam.clock.advance(Number.NaN), 'ERR_INVALID_ARGUMENT');
    throwsWith(() => jam.clock.set(new Date('nonsense')), 'ERR_INVALID_ARGUMENT');
    throwsWith(() => new TestClock(Number.POSITIVE_INFINITY), 'ERR_INVALID_ARGUMENT');
    expect(jam.clock.now()).to.equal(START);
  });
});
