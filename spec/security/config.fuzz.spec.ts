import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { isJamError, Jam } from 'koa-jam';
import { SECRET } from '../helpers/keys.js';
import { FUZZ_SUITE_TIMEOUT_MS, fuzzSettings } from './fuzz-settings.js';

describe('security: fuzzing ${VAR} substitution in config files (fast-check)', function () {
  this.timeout(FUZZ_SUITE_TIMEOUT_MS);
  const dir = mkdtempSync(join(tmpdir(), 'koa-jam-config-fuzz-'));
  before(() => {
    process.env.KOA_JAM_FUZZ_SET = 'value';
    delete process.env.KOA_JAM_FUZZ_UNSET;
  });
  after(() => {
    delete process.env.KOA_JAM_FUZZ_SET;
    rmSync(dir, { recursive: true, force: true });
  });

  it('substitutes completely or refuses with ERR_CONFIG: no `${` ever reaches a value', () => {
    const piece = fc.constantFrom(
      '${',
      '}',
      ':-',
      '$',
      '{',
      'x',
      'KOA_JAM_FUZZ_SET',
      'KOA_JAM_FUZZ_UNSET',
      '-',
    );
    const value = fc.array(piece, { minLength: 1, maxLength: 12 }).map((pieces) => pieces.join(''));
    let n = 0;
    fc.assert(
      fc.property(value, (issuer) => {
        const file = join(dir, `jam-${n++}.json`);
        writeFileSync(file, JSON.stringify({ jwt: { secretKey: SECRET, issuer } }));
        let iss: unknown;
        try {
          iss = new Jam(file).makePayload({}).iss;
        } catch (err) {
          expect(isJamError(err, 'ERR_CONFIG'), String(err)).to.equal(true);
          return;
        }
        expect(iss, issuer).to.be.a('string').and.not.contain('${');
      }),
      fuzzSettings(0.5),
    );
  });
});
