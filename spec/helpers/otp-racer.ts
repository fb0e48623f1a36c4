// A child process for the cross-process OTP race: reads what to check (OTP codes, or recovery codes with the
// hashes they are checked against), says "ready", then on "go" runs all its checks at once and prints, for
// each, "valid" or the error code.
import { createInterface } from 'node:readline';
import { Jam } from 'koa-jam';

export interface OtpRace {
  maxAttempts: number;
  secret: string;
  /** Checks to run at once: a code and the principal it is checked for; with `hashes`, a recovery code. */
  checks: { code: string; sessionKey: string; hashes?: string[] }[];
}

async function raceOtp(storeUrl: string): Promise<void> {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const { maxAttempts, secret, checks } = JSON.parse((await lines.next()).value) as OtpRace;
  const jam = new Jam({ otp: { store: storeUrl, storeTimeout: 10_000, maxAttempts } });
  await jam.checkOtpCode(secret, '000000', { sessionKey: `warm-up-${process.pid}` }); // connects first
  console.log('ready');
  await lines.next();
  const results = await Promise.all(
    checks.map(async ({ code, sessionKey, hashes }) => {
      const check = hashes
        ? await jam.checkRecoveryCode(sessionKey, code, hashes)
        : await jam.checkOtpCode(secret, code, { sessionKey });
      return check.valid ? 'valid' : check.error.code;
    }),
  );
  console.log(JSON.stringify(results));
  await jam.close();
  process.stdin.destroy();
}

raceOtp(process.argv[2]).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
