import { Jam } from 'koa-jam';
import { declareRacer } from '../../test-support/race.js';

export interface OtpRace {
  /** The OTP store, shared by the racing processes. */
  store: string;
  maxAttempts: number;
  secret: string;
  /** Checks to run at once: a code and the principal it is checked for; with `hashes`, a recovery code. */
  checks: { code: string; sessionKey: string; hashes?: string[] }[];
}

/**
 * One process checking OTP codes (or recovery codes) in a race: for each check, "valid" or the error code
 * (spec/security/otp-many-processes.spec.ts).
 */
export const otpRacer = declareRacer(module, async ({ store, maxAttempts, secret, checks }: OtpRace) => {
  const jam = new Jam({ otp: { store, storeTimeout: 10_000, maxAttempts } });
  await jam.checkOtpCode(secret, '000000', { sessionKey: `warm-up-${process.pid}` }); // connects first
  return {
    run: () =>
      Promise.all(
        checks.map(async ({ code, sessionKey, hashes }) => {
          const check = hashes
            ? await jam.checkRecoveryCode(sessionKey, code, hashes)
            : await jam.checkOtpCode(secret, code, { sessionKey });
          return check.valid ? 'valid' : check.error.code;
        }),
      ),
    close: () => jam.close(),
  };
});
