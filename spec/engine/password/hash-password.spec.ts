import { randomBytes, scryptSync } from 'node:crypto';
import { expect } from 'chai';
import { JamError, hashPassword, needsRehash, verifyPassword } from 'koa-jam';

// Cheap parameters keep the suite quick; one test uses the defaults.
const CHEAP = { cost: 2 ** 10, blockSize: 8, parallelization: 1 };

async function rejection(promise: Promise<unknown>): Promise<JamError> {
  const err = await promise.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
  expect(err).to.be.instanceOf(JamError);
  return err as JamError;
}

describe('password hashing', () => {
  it('round-trips with the default parameters, in a self-describing PHC string', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).to.match(/^\$scrypt\$ln=15,r=8,p=3\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword('correct horse battery staple', stored)).to.equal(true);
    expect(await verifyPassword('correct horse battery stapler', stored)).to.equal(false);
    expect(needsRehash(stored)).to.equal(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same', CHEAP), hashPassword('same', CHEAP)]);
    expect(a).not.to.equal(b);
    expect(await verifyPassword('same', a)).to.equal(true);
    expect(await verifyPassword('same', b)).to.equal(true);
  });

  it('verifies a standard scrypt PHC string made elsewhere', async () => {
    const salt = randomBytes(16);
    const hash = scryptSync('hunter2', salt, 32, { N: 2 ** 12, r: 8, p: 2 });
    const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');
    const stored = `$scrypt$ln=12,r=8,p=2$${b64(salt)}$${b64(hash)}`;
    expect(await verifyPassword('hunter2', stored)).to.equal(true);
    expect(await verifyPassword('hunter3', stored)).to.equal(false);
  });

  it('tells hashes with old parameters apart, for rehashing at the next login', async () => {
    const old = await hashPassword('pw', CHEAP);
    expect(needsRehash(old)).to.equal(true);
    expect(needsRehash(old, CHEAP)).to.equal(false);
    expect(needsRehash(old, { ...CHEAP, parallelization: 2 })).to.equal(true);
  });

  it('treats the Unicode forms of one password alike', async () => {
    const stored = await hashPassword('caf\u00e9', CHEAP);
    expect(await verifyPassword('cafe\u0301', stored)).to.equal(true);
  });

  it('answers false for a tampered hash and for passwords that are not strings or too long', async () => {
    const stored = await hashPassword('pw', CHEAP);
    // Not the last character: two of its bits are spare, and base64 decoding ignores them.
    const at = stored.length - 10;
    const tampered = stored.slice(0, at) + (stored[at] === 'A' ? 'B' : 'A') + stored.slice(at + 1);
    expect(await verifyPassword('pw', tampered)).to.equal(false);
    for (const bad of [undefined, null, 42, ['pw'], 'x'.repeat(1025)]) {
      expect(await verifyPassword(bad, stored), String(bad).slice(0, 10)).to.equal(false);
    }
  });

  it('throws ERR_INVALID_ARGUMENT for empty or oversized passwords, bad parameters and malformed hashes', async () => {
    expect((await rejection(hashPassword(''))).code).to.equal('ERR_INVALID_ARGUMENT');
    expect((await rejection(hashPassword('x'.repeat(1025)))).code).to.equal('ERR_INVALID_ARGUMENT');
    expect((await rejection(hashPassword('pw', { cost: 3000 }))).message).to.contain('power of two');
    expect((await rejection(hashPassword('pw', { cost: 2 ** 24 }))).code).to.equal('ERR_INVALID_ARGUMENT');
    const stored = await hashPassword('pw', CHEAP);
    for (const bad of [
      '',
      'plain-text',
      '$2b$10$abcdefghijklmnopqrstuv', // bcrypt
      stored.replace('ln=10', 'ln=40'), // would need terabytes
      stored.replace('$scrypt$', '$argon2id$'),
    ]) {
      expect((await rejection(verifyPassword('pw', bad))).code, bad).to.equal('ERR_INVALID_ARGUMENT');
      expect(() => needsRehash(bad)).to.throw(JamError);
    }
  });

  it('refuses scrypt parameters beyond the ceiling (memory 256 MiB, work N*r*p 2^22) before any work', async () => {
    const stored = await hashPassword('pw', CHEAP);
    const withParams = (params: string) => stored.replace('ln=10,r=8,p=1', params);
    expect(stored).to.contain('ln=10,r=8,p=1');
    for (const params of [
      'ln=20,r=32,p=1', // 4 GiB, about 15 s
      'ln=20,r=32,p=16', // about 4 minutes
      'ln=19,r=8,p=1', // 512 MiB
      'ln=17,r=8,p=5', // work 5 * 2^20
    ]) {
      const err = await rejection(verifyPassword('pw', withParams(params)));
      expect(err.code, params).to.equal('ERR_INVALID_ARGUMENT');
      expect(err.message).to.contain('ceiling');
      expect(() => needsRehash(withParams(params))).to.throw(JamError, 'ceiling');
    }
    expect((await rejection(hashPassword('pw', { cost: 2 ** 17, parallelization: 5 }))).message).to.contain(
      'ceiling',
    );
    // Strong settings within the ceiling are read (needsRehash parses without hashing).
    for (const params of ['ln=17,r=8,p=1', 'ln=18,r=8,p=2', 'ln=15,r=8,p=16', 'ln=15,r=8,p=3']) {
      expect(() => needsRehash(withParams(params)), params).not.to.throw();
    }
  });

  it('does not normalise a password longer than the limit (NFKC over 1 MB blocks the event loop)', async () => {
    const stored = await hashPassword('pw', CHEAP);
    const huge = '\uFDFA'.repeat(1 << 20);
    const normalize = String.prototype.normalize;
    let normalised = 0;
    String.prototype.normalize = function (this: string, form?: string) {
      if (this.length > 1024) normalised++;
      return normalize.call(this, form);
    };
    try {
      expect(await verifyPassword(huge, stored)).to.equal(false);
      expect((await rejection(hashPassword(huge))).code).to.equal('ERR_INVALID_ARGUMENT');
    } finally {
      String.prototype.normalize = normalize;
    }
    expect(normalised).to.equal(0);
    // 57 U+FDFA are 57 UTF-16 units, but 1,881 bytes once normalised (18 characters each): still refused.
    expect(await verifyPassword('\uFDFA'.repeat(57), stored)).to.equal(false);
  });
});
