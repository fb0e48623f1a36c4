import { randomBytes, randomInt } from 'node:crypto';
import { expect } from 'chai';
import { Jam, generateOtpSecret, type OtpDigest } from 'koa-jam';
import { generateSync } from 'otplib';

const DIGESTS: OtpDigest[] = ['sha1', 'sha256', 'sha512'];
const pick = <T>(items: readonly T[]): T => items[randomInt(items.length)];

describe('OTP agreement with otplib', () => {
  it('TOTP codes agree on random secrets, times, digests, digits and intervals', async () => {
    for (let i = 0; i < 150; i++) {
      const secret = i % 2 ? generateOtpSecret() : randomBytes(16 + randomInt(48));
      const digest = pick(DIGESTS);
      const digits = pick([6, 7, 8] as const);
      const interval = pick([30, 60, 15]);
      const time = randomInt(0, 2 ** 40);
      const jam = new Jam({ otp: { digest, digits, interval } });
      const theirs = generateSync({ secret, algorithm: digest, digits, period: interval, epoch: time });
      const label = `secret ${typeof secret === 'string' ? secret : secret.toString('hex')} ${digest} ${digits} ${interval} ${time}`;
      expect(jam.getOtpCode(secret, time), label).to.equal(theirs);
      expect(await jam.verifyOtpCode(secret, theirs, { factor: time, window: 0 }), label).to.equal(true);
    }
  });

  it('HOTP codes agree on random secrets and counters', () => {
    for (let i = 0; i < 150; i++) {
      const secret = generateOtpSecret(pick([16, 20, 32, 64]));
      const digest = pick(DIGESTS);
      const counter = randomInt(0, 2 ** 47);
      const jam = new Jam({ otp: { type: 'hotp', digest } });
      const theirs = generateSync({ secret, strategy: 'hotp', algorithm: digest, counter });
      expect(jam.getOtpCode(secret, counter), `${secret} ${digest} ${counter}`).to.equal(theirs);
    }
  });
});
