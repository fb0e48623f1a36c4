import { expect } from 'chai';
import fc from 'fast-check';
import Keyv from 'keyv';
import { isJamError, Jam, MemoryStore } from 'koa-jam';
import { depthOf, nested } from '../helpers/nested.js';
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

  it("stores any JSON data and returns it unchanged, whatever the Keyv's serializer; refuses it past 32 levels", async () => {
    // The README's store, with Keyv's default serializer: keys and strings it treats specially are common here.
    const jam = new Jam({ session: { store: new Keyv({ store: new MemoryStore() }) } });
    const key = fc.oneof(
      fc.string(),
      fc.constantFrom('toJSON', '__proto__', 'constructor', ':base64:', 'value'),
    );
    const text = fc.oneof(
      fc.string(),
      fc.string().map((s) => `:base64:${s}`),
      fc.string().map((s) => `:${s}`),
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small' },
        fc.oneof(text, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)),
        fc.array(tie('tree'), { maxLength: 3 }),
        fc.dictionary(key, tie('tree'), { maxKeys: 3 }),
      ),
    }));
    const data = fc.oneof(
      fc.dictionary(key, tree, { maxKeys: 4 }),
      fc.integer({ min: 1, max: 3000 }).map((depth) => nested(depth)),
    );
    await fc.assert(
      fc.asyncProperty(data, async (d) => {
        const json = JSON.parse(JSON.stringify(d)) as unknown; // -0 becomes 0, as in any JSON store
        const outcome = await jam.createSession('alice', d).then(
          (id) => jam.getSession(id),
          (err: unknown) => err,
        );
        if (isJamError(outcome)) expect(outcome.code).to.equal('ERR_INVALID_ARGUMENT');
        else expect(outcome).to.deep.equal(json);
        expect(isJamError(outcome)).to.equal(depthOf(d) > 32);
      }),
      fuzzSettings(0.5),
    );
    await jam.close();
  });
});
