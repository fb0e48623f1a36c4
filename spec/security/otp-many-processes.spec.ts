import { expect } from 'chai';
import { Jam, generateOtpSecret, generateRecoveryCodes } from 'koa-jam';
import { race } from '../../test-support/race.js';
import { otpRacer, type OtpRace } from '../helpers/otp-racer.js';
import { STORE_KINDS, type StoreUnderTest } from '../helpers/store-kinds.js';

const PROCESSES = 4;
const MAX_ATTEMPTS = 5;
const GUESSES_PER_PROCESS = 8;

/** Every check of every process, as "valid" or an error code. */
async function raceChecks(sut: StoreUnderTest, input: Omit<OtpRace, 'store'>): Promise<string[]> {
  return (await race(otpRacer, Array(PROCESSES).fill({ ...input, store: sut.store! }))).flat();
}

const count = (results: string[], outcome: string) => results.filter((r) => r === outcome).length;

for (const kind of STORE_KINDS.filter((k) => k.name !== 'memory')) {
  describe(`security: OTP limits hold across ${PROCESSES} processes sharing ${kind.name}`, function () {
    this.timeout(60_000);
    let sut: StoreUnderTest;
    let jam: Jam;
    before(async function () {
      sut = await kind.open(this);
      // Codes are made on the real clock, as the racing processes check them.
      await sut.advance(Math.max(0, performance.timeOrigin + performance.now() - Date.now()));
      jam = new Jam({ otp: { maxAttempts: MAX_ATTEMPTS } });
    });
    after(async () => {
      await jam?.close();
      await sut?.close();
    });

    it(`of ${PROCESSES * GUESSES_PER_PROCESS} wrong guesses at once, at most maxAttempts (${MAX_ATTEMPTS}) are checked before the lock`, async () => {
      const secret = generateOtpSecret();
      const wrong = String((Number(jam.getOtpCode(secret)) + 500_000) % 1_000_000).padStart(6, '0');
      const checks = Array.from({ length: GUESSES_PER_PROCESS }, () => ({
        code: wrong,
        sessionKey: 'mallory',
      }));
      const results = await raceChecks(sut, { maxAttempts: MAX_ATTEMPTS, secret, checks });
      // The guess that reaches maxAttempts is answered "locked" itself: MAX_ATTEMPTS - 1 plain refusals.
      expect(count(results, 'ERR_OTP_INVALID'), JSON.stringify(results)).to.equal(MAX_ATTEMPTS - 1);
      expect(count(results, 'ERR_OTP_LOCKED')).to.equal(results.length - (MAX_ATTEMPTS - 1));
    });

    it('the right code sent by every process at once is accepted exactly once', async () => {
      const secret = generateOtpSecret();
      const right = jam.getOtpCode(secret);
      const checks = Array.from({ length: 3 }, () => ({ code: right, sessionKey: 'alice' }));
      const results = await raceChecks(sut, { maxAttempts: 100, secret, checks });
      expect(count(results, 'valid'), JSON.stringify(results)).to.equal(1);
      expect(count(results, 'ERR_OTP_REPLAYED')).to.equal(results.length - 1);
    });

    it('a recovery code sent by every process at once is spent exactly once', async () => {
      const { codes, hashes } = generateRecoveryCodes(3);
      const checks = Array.from({ length: 3 }, () => ({ code: codes[1], sessionKey: 'bob', hashes }));
      const results = await raceChecks(sut, { maxAttempts: 100, secret: generateOtpSecret(), checks });
      expect(count(results, 'valid'), JSON.stringify(results)).to.equal(1);
      expect(count(results, 'ERR_OTP_REPLAYED')).to.equal(results.length - 1);
    });

    it(`of ${PROCESSES * GUESSES_PER_PROCESS} wrong recovery codes at once, at most maxAttempts are checked before the lock`, async () => {
      const { hashes } = generateRecoveryCodes(10);
      const wrong = generateRecoveryCodes(1).codes[0];
      const checks = Array.from({ length: GUESSES_PER_PROCESS }, () => ({
        code: wrong,
        sessionKey: 'trudy',
        hashes,
      }));
      const results = await raceChecks(sut, {
        maxAttempts: MAX_ATTEMPTS,
        secret: generateOtpSecret(),
        checks,
      });
      expect(count(results, 'ERR_OTP_INVALID'), JSON.stringify(results)).to.equal(MAX_ATTEMPTS - 1);
      expect(count(results, 'ERR_OTP_LOCKED')).to.equal(results.length - (MAX_ATTEMPTS - 1));
    });
  });
}
