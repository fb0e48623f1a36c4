import { expect } from 'chai';
import { Jam, JamError, generateOtpSecret, type OtpCheck } from 'koa-jam';
import { freezeClock, type FrozenClock } from '../../helpers/clock.js';

const NOW = Date.UTC(2026, 0, 1); // the start of a 30 s and of a 60 s step
const T = NOW / 1000;

function refusal(check: OtpCheck): string {
  expect(check.valid, 'expected a refusal').to.equal(false);
  return (check as { error: JamError }).error.code;
}

describe('verifyOtpCode', () => {
  let clock: FrozenClock;
  const secret = generateOtpSecret();
  beforeEach(() => (clock = freezeClock(NOW)));
  afterEach(() => clock.uninstall());

  describe('TOTP window', () => {
    const jam = new Jam({ otp: {} });

    it('accepts the codes of now and one step either side, and no further', async () => {
      for (const [offset, accepted] of [
        [-31, false],
        [-30, true],
        [-1, true],
        [0, true],
        [29, true],
        [30, true],
        [59, true],
        [60, false],
      ] as const) {
        const code = jam.getOtpCode(secret, T + offset);
        expect(
          await jam.verifyOtpCode(secret, code),
          `code of now${offset >= 0 ? '+' : ''}${offset} s`,
        ).to.equal(accepted);
      }
    });

    it('takes a window per call, and codes typed with spaces', async () => {
      const next = jam.getOtpCode(secret, T + 30);
      expect(await jam.verifyOtpCode(secret, next, { window: 0 })).to.equal(false);
      expect(await jam.verifyOtpCode(secret, `${next.slice(0, 3)} ${next.slice(3)}`)).to.equal(true);
      const later = jam.getOtpCode(secret, T + 90);
      expect(await jam.verifyOtpCode(secret, later, { window: 3 })).to.equal(true);
    });

    it('defaults getOtpCode to now, and honours the configured interval', async () => {
      expect(jam.getOtpCode(secret)).to.equal(jam.getOtpCode(secret, T + 29.9));
      const minute = new Jam({ otp: { interval: 60 } });
      expect(minute.getOtpCode(secret)).to.equal(minute.getOtpCode(secret, T + 59));
      expect(minute.getOtpCode(secret)).not.to.equal(minute.getOtpCode(secret, T + 60));
      expect(await minute.verifyOtpCode(secret, minute.getOtpCode(secret, T + 119))).to.equal(true);
      expect(await minute.verifyOtpCode(secret, minute.getOtpCode(secret, T + 120))).to.equal(false);
    });

    it('refuses malformed codes as wrong, without throwing', async () => {
      const code = jam.getOtpCode(secret);
      for (const bad of [
        '',
        code.slice(1),
        `${code}0`,
        'abcdef',
        '12345x',
        undefined,
        null,
        123456,
        { code },
      ]) {
        expect(await jam.verifyOtpCode(secret, bad as string), String(bad)).to.equal(false);
      }
      expect(refusal(await jam.checkOtpCode(secret, '000000x'))).to.equal('ERR_OTP_INVALID');
    });
  });

  describe('HOTP window', () => {
    const jam = new Jam({ otp: { type: 'hotp', window: 2 } });

    it('accepts counter..counter+window and reports the counter that matched', async () => {
      for (let counter = 9; counter <= 13; counter++) {
        const check = await jam.checkOtpCode(secret, jam.getOtpCode(secret, counter), { factor: 10 });
        if (counter >= 10 && counter <= 12) expect(check).to.deep.equal({ valid: true, factor: counter });
        else expect(refusal(check), `counter ${counter}`).to.equal('ERR_OTP_INVALID');
      }
    });

    it('needs the counter', async () => {
      expect(() => jam.getOtpCode(secret))
        .to.throw(JamError)
        .with.property('code', 'ERR_INVALID_ARGUMENT');
      const err = await jam.verifyOtpCode(secret, '123456').catch((e: unknown) => e);
      expect(err).to.be.instanceOf(JamError).with.property('code', 'ERR_INVALID_ARGUMENT');
    });
  });

  describe('bad input', () => {
    const jam = new Jam({ otp: {} });

    it('throws ERR_INVALID_ARGUMENT for secrets that are not base32, or shorter than 128 bits', () => {
      for (const bad of ['not base32!', 'JBSWY3DPEHPK3PXP', Buffer.alloc(15), 42]) {
        expect(() => jam.getOtpCode(bad as string), String(bad))
          .to.throw(JamError)
          .with.property('code', 'ERR_INVALID_ARGUMENT');
      }
    });

    it('throws for bad factors and windows', async () => {
      for (const options of [
        { factor: -1 },
        { factor: NaN },
        { window: 11 },
        { window: -1 },
        { window: 0.5 },
      ]) {
        const err = await jam.verifyOtpCode(secret, '123456', options).catch((e: unknown) => e);
        expect(err, JSON.stringify(options))
          .to.be.instanceOf(JamError)
          .with.property('code', 'ERR_INVALID_ARGUMENT');
      }
    });

    it('rejects a bad otp config with ERR_CONFIG naming the option', () => {
      for (const [otp, named] of [
        [{ type: 'motp' }, 'otp.type'],
        [{ digits: 4 }, 'otp.digits'],
        [{ digest: 'md5' }, 'otp.digest'],
        [{ interval: 0 }, 'otp.interval'],
        [{ window: 20 }, 'otp.window'],
        [{ maxAttempts: 0 }, 'otp.maxAttempts'],
        [{ store: 'ftp://x' }, 'otp.store'],
        [{ lookAhead: 1 }, 'otp.lookAhead'],
      ] as const) {
        expect(() => new Jam({ otp: otp as never }), named)
          .to.throw(JamError)
          .with.property('message')
          .that.contains(named);
      }
    });

    it('says OTP is not configured', () => {
      expect(() => new Jam({}).getOtpCode(secret)).to.throw(JamError, /otp/);
    });
  });

  describe('replay and guessing, per sessionKey', () => {
    let jam: Jam;
    beforeEach(() => {
      jam = new Jam({ otp: { maxAttempts: 3, attemptPeriod: 60, lockoutPeriod: 120 } });
    });
    afterEach(() => jam.close());

    it('accepts a step at most once, and no earlier step after a later one', async () => {
      const now = jam.getOtpCode(secret);
      expect(await jam.checkOtpCode(secret, now, { sessionKey: 'alice' })).to.deep.equal({
        valid: true,
        factor: T / 30,
      });
      expect(refusal(await jam.checkOtpCode(secret, now, { sessionKey: 'alice' }))).to.equal(
        'ERR_OTP_REPLAYED',
      );
      expect(
        await jam.verifyOtpCode(secret, jam.getOtpCode(secret, T - 30), { sessionKey: 'alice' }),
      ).to.equal(false);
      // Another principal is not affected; without a sessionKey there is no memory at all.
      expect(await jam.verifyOtpCode(secret, now, { sessionKey: 'bob' })).to.equal(true);
      expect(await jam.verifyOtpCode(secret, now)).to.equal(true);
      clock.tick(30_000);
      expect(await jam.verifyOtpCode(secret, jam.getOtpCode(secret), { sessionKey: 'alice' })).to.equal(true);
    });

    it('accepts only one of several concurrent checks of the same code', async () => {
      const code = jam.getOtpCode(secret);
      const checks = await Promise.all(
        [1, 2, 3].map(() => jam.verifyOtpCode(secret, code, { sessionKey: 'carol' })),
      );
      expect(checks.filter(Boolean)).to.have.length(1);
    });

    it('locks a principal after maxAttempts failures in the period, then lets it in again', async () => {
      const wrong = (Number(jam.getOtpCode(secret)) + 500_000) % 1_000_000;
      const guess = String(wrong).padStart(6, '0');
      expect(refusal(await jam.checkOtpCode(secret, guess, { sessionKey: 'dave' }))).to.equal(
        'ERR_OTP_INVALID',
      );
      expect(refusal(await jam.checkOtpCode(secret, guess, { sessionKey: 'dave' }))).to.equal(
        'ERR_OTP_INVALID',
      );
      expect(refusal(await jam.checkOtpCode(secret, guess, { sessionKey: 'dave' }))).to.equal(
        'ERR_OTP_LOCKED',
      );
      // Locked: even the right code is refused, and says why.
      const locked = await jam.checkOtpCode(secret, jam.getOtpCode(secret), { sessionKey: 'dave' });
      expect(refusal(locked)).to.equal('ERR_OTP_LOCKED');
      expect((locked as { error: JamError }).error.status).to.equal(429);
      expect(await jam.verifyOtpCode(secret, jam.getOtpCode(secret), { sessionKey: 'erin' })).to.equal(true);
      clock.tick(119_000);
      expect(await jam.verifyOtpCode(secret, jam.getOtpCode(secret), { sessionKey: 'dave' })).to.equal(false);
      clock.tick(1_000);
      expect(await jam.verifyOtpCode(secret, jam.getOtpCode(secret), { sessionKey: 'dave' })).to.equal(true);
    });

    it('counts failures only within the attempt period, and forgets them on success', async () => {
      const guess = String((Number(jam.getOtpCode(secret)) + 1) % 1_000_000).padStart(6, '0');
      for (let i = 0; i < 4; i++) {
        expect(refusal(await jam.checkOtpCode(secret, guess, { sessionKey: 'frank' }))).to.equal(
          'ERR_OTP_INVALID',
        );
        expect(refusal(await jam.checkOtpCode(secret, guess, { sessionKey: 'frank' }))).to.equal(
          'ERR_OTP_INVALID',
        );
        clock.tick(60_000);
      }
      await jam.checkOtpCode(secret, guess, { sessionKey: 'grace' });
      await jam.checkOtpCode(secret, guess, { sessionKey: 'grace' });
      expect(await jam.verifyOtpCode(secret, jam.getOtpCode(secret), { sessionKey: 'grace' })).to.equal(true);
      expect(refusal(await jam.checkOtpCode(secret, guess, { sessionKey: 'grace' }))).to.equal(
        'ERR_OTP_INVALID',
      );
    });

    it('HOTP: a counter is accepted once per principal', async () => {
      const hotp = new Jam({ otp: { type: 'hotp' } });
      const code = hotp.getOtpCode(secret, 5);
      expect(await hotp.verifyOtpCode(secret, code, { factor: 5, sessionKey: 'h' })).to.equal(true);
      expect(refusal(await hotp.checkOtpCode(secret, code, { factor: 5, sessionKey: 'h' }))).to.equal(
        'ERR_OTP_REPLAYED',
      );
      clock.tick(3_600_000 * 24 * 365);
      expect(refusal(await hotp.checkOtpCode(secret, code, { factor: 4, sessionKey: 'h' }))).to.equal(
        'ERR_OTP_REPLAYED',
      );
      expect(
        await hotp.verifyOtpCode(secret, hotp.getOtpCode(secret, 6), { factor: 6, sessionKey: 'h' }),
      ).to.equal(true);
      // Re-enrolled with a new secret, the counter starts again at 0.
      const fresh = generateOtpSecret();
      expect(
        await hotp.verifyOtpCode(fresh, hotp.getOtpCode(fresh, 0), { factor: 0, sessionKey: 'h' }),
      ).to.equal(true);
      await hotp.close();
    });
  });
});
