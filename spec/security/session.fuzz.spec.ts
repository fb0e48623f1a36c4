import { expect } from 'chai';
import fc from 'fast-check';
import { Jam } from 'koa-jam';
import { FUZZ_SUITE_TIMEOUT_MS, fuzzSettings } from './fuzz-settings.js';
import { edit, mutate } from './mutations.js';

describe('security: fuzzing session ids (fast-check)', function () {
  this.timeout(FUZZ_SUITE_TIMEOUT_MS);
  const sealed = new Jam({ session: { encryptionKey: Buffer.alloc(32, 7).toString('base64url') } });
  const plain = new Jam({ session: {} });
  const data = { user: 'alice', roles: ['user'] };
  const genuine = { sealed: '', plain: '' };
  before(async () => {
    genuine.sealed = await sealed.createSession('alice', data);
    genuine.plain = await plain.createSession('alice', data);
  });
  after(() => Promise.all([sealed.close(), plain.close()]));

  it('finds no session for an arbitrary string, and never throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (id) => {
        expect(await sealed.getSession(id)).to.equal(null);
        expect(await plain.getSession(id)).to.equal(null);
      }),
      fuzzSettings(),
    );
  });

  it('for any mutation of a genuine id, finds the session only when the id is unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('sealed', 'plain' as const),
        fc.array(edit, { minLength: 1, maxLength: 3 }),
        async (kind, edits) => {
          const id = mutate(genuine[kind], edits);
          const jam = kind === 'sealed' ? sealed : plain;
          expect(await jam.getSession(id), id).to.deep.equal(id === genuine[kind] ? data : null);
        },
      ),
      fuzzSettings(),
    );
  });
});
