import { expect } from 'chai';
import fc from 'fast-check';
import { hashPassword, isJamError, needsRehash, verifyPassword } from 'koa-jam';
import { FUZZ_SUITE_TIMEOUT_MS, fuzzSettings } from './fuzz-settings.js';

describe('security: fuzzing password hashes and passwords (fast-check)', function () {
  this.timeout(FUZZ_SUITE_TIMEOUT_MS);
  let stored = '';
  before(async () => {
    stored = await hashPassword('correct horse', { cost: 2 ** 10, blockSize: 8, parallelization: 1 });
  });

  it('reads any scrypt parameters of a stored hash only within the bounds and the ceiling, never doing the work', async () => {
    const param = fc.integer({ min: 0, max: 99 });
    await fc.assert(
      fc.property(param, param, param, (ln, r, p) => {
        const hash = stored.replace('ln=10,r=8,p=1', `ln=${ln},r=${r},p=${p}`);
        const n = 2 ** ln;
        const acceptable =
          ln >= 10 &&
          ln <= 20 &&
          r >= 1 &&
          r <= 32 &&
          p >= 1 &&
          p <= 16 &&
          128 * n * r <= 2 ** 28 &&
          n * r * p <= 2 ** 22;
        let outcome: unknown;
        try {
          outcome = needsRehash(hash);
        } catch (err) {
          outcome = err;
        }
        if (acceptable) expect(outcome, hash).to.be.a('boolean');
        else
          expect(isJamError(outcome, 'ERR_INVALID_ARGUMENT'), `${hash}: ${String(outcome)}`).to.equal(true);
      }),
      fuzzSettings(),
    );
  });

  it('answers any password true only for the right one, and never throws', async () => {
    const password = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.integer({ min: 0, max: 5000 }).map((n) => '\uFDFA'.repeat(n)),
      fc.constantFrom('correct horse', 'ｃｏｒｒｅｃｔ ｈｏｒｓｅ', 'correct horse '),
    );
    await fc.assert(
      fc.asyncProperty(password, async (candidate) => {
        const expected = candidate.normalize('NFKC') === 'correct horse';
        expect(await verifyPassword(candidate, stored)).to.equal(expected);
      }),
      fuzzSettings(0.25),
    );
  });
});
