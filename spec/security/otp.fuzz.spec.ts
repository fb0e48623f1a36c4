import { expect } from 'chai';
import fc from 'fast-check';
import { generateOtpSecret, Jam } from 'koa-jam';
import { FUZZ_SUITE_TIMEOUT_MS, fuzzSettings } from './fuzz-settings.js';

describe('security: fuzzing one-time password codes (fast-check)', function () {
  this.timeout(FUZZ_SUITE_TIMEOUT_MS);
  const jam = new Jam({ otp: {} });
  const secret = generateOtpSecret();
  const at = 1_767_225_600; // a fixed unix time: the step and its window are known
  // The codes of the steps the default window (1) accepts around `at`.
  const accepted = [-30, 0, 30].map((d) => jam.getOtpCode(secret, at + d));
  after(() => jam.close());

  // Characters that look like digits or that number parsers forgive: only ASCII digits may count.
  const lookalike = fc.constantFrom(
    ...'0123456789 \t\n+-.,eExX_',
    '\u00a0', // no-break space
    '\uff11', // fullwidth 1
    '\u0661', // Arabic-Indic 1
    '\u00b9', // superscript 1
    '\u2460', // circled 1
  );

  it('accepts a code only when, spaces aside, it is the code of a step in the window', async () => {
    const code = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.string({ unit: lookalike, maxLength: 12 }),
      fc
        .tuple(fc.constantFrom(...accepted), fc.nat(6), lookalike, fc.boolean())
        .map(([c, i, ch, replace]) => c.slice(0, i) + ch + c.slice(replace ? i + 1 : i)),
    );
    await fc.assert(
      fc.asyncProperty(code, async (given) => {
        const valid = await jam.verifyOtpCode(secret, given, { factor: at });
        expect(valid, JSON.stringify(given)).to.equal(accepted.includes(given.replace(/\s/g, '')));
      }),
      fuzzSettings(),
    );
  });
});
