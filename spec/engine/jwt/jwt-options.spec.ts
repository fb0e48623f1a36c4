import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { Jam, JamError, type JwtOptions } from 'koa-jam';
import { keyPairFor, otherRsaPair, SECRET } from '../../helpers/keys.js';

function configMessage(jwt: JwtOptions): string {
  try {
    new Jam({ jwt });
  } catch (err) {
    expect(err).to.be.instanceOf(JamError).with.property('code', 'ERR_CONFIG');
    return (err as Error).message;
  }
  return expect.fail('expected ERR_CONFIG');
}

describe('jwt options', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of ['JAM_JWT_SECRET_KEY', 'JAM_JWT_PRIVATE_KEY', 'JAM_JWT_PUBLIC_KEY']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('fails at construction with an actionable message', () => {
    expect(configMessage({ alg: 'HS999' as never, secretKey: SECRET })).to.contain(
      'jwt.alg must be one of HS256',
    );
    expect(configMessage({ alg: 'none' as never, secretKey: SECRET })).to.contain('jwt.alg');
    expect(configMessage({})).to.contain('jwt.secretKey (or JAM_JWT_SECRET_KEY) is required');
    expect(configMessage({ secretKey: 'short' })).to.match(
      /at least 32 bytes for HS256, got 5; generate one/,
    );
    expect(configMessage({ alg: 'HS512', secretKey: 'x'.repeat(40) })).to.contain('at least 64 bytes');
    expect(configMessage({ alg: 'RS256', secretKey: SECRET })).to.contain('only used by HS* algorithms');
    expect(configMessage({ alg: 'RS256', privateKey: 'not a pem' })).to.contain(
      'jwt.privateKey is not a valid private key',
    );
    expect(configMessage({ alg: 'RS256', privateKey: keyPairFor('ES256').privatePem })).to.contain(
      'needs an RSA key',
    );
    expect(configMessage({ alg: 'ES384', publicKey: keyPairFor('ES256').publicPem })).to.contain('secp384r1');
    expect(configMessage({ alg: 'HS256', secretKey: keyPairFor('RS256').privateKey })).to.contain(
      'must be a secret key',
    );
    expect(
      configMessage({
        alg: 'RS256',
        privateKey: keyPairFor('RS256').privatePem,
        publicKey: otherRsaPair().publicPem,
      }),
    ).to.contain('does not match');
    expect(configMessage({ secretKey: SECRET, expire: -1 })).to.contain(
      'jwt.expire must be a positive integer',
    );
    expect(configMessage({ secretKey: SECRET, cache: { maxEntries: 0 } })).to.contain('jwt.cache.maxEntries');
    expect(configMessage({ secretKey: SECRET, cache: { maxBytes: 0.5 } })).to.contain('jwt.cache.maxBytes');
    expect(configMessage({ secretKey: SECRET, cache: { size: 10 } } as never)).to.contain(
      'unknown option jwt.cache.size (known: maxEntries, maxBytes)',
    );
  });

  it('refuses RSA keys under 2048 bits', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(configMessage({ alg: 'RS256', privateKey })).to.contain('at least 2048 bits');
  });

  it('refuses a PEM or DER key as an HMAC secret (the key-confusion set-up)', () => {
    const { publicPem, privatePem, publicKey } = keyPairFor('RS256');
    const der = publicKey.export({ format: 'der', type: 'spki' });
    for (const secretKey of [publicPem, privatePem, `\n  ${publicPem}`, keyPairFor('ES256').publicPem, der]) {
      expect(configMessage({ alg: 'HS256', secretKey })).to.contain('not a secret');
    }
    expect(configMessage({ keys: [{ kid: 'k', alg: 'HS512', secretKey: publicPem }] })).to.contain(
      'jwt.keys[0].secretKey',
    );
  });

  it('refuses an RSA-PSS key that every signature of the algorithm would fail (hash, MGF1, salt)', async () => {
    const pss = (options: object) =>
      generateKeyPairSync('rsa-pss', { modulusLength: 2048, ...options }).privateKey;
    const sha512 = pss({ hashAlgorithm: 'sha512', mgf1HashAlgorithm: 'sha512', saltLength: 64 });
    expect(configMessage({ alg: 'PS256', privateKey: sha512 })).to.contain('got sha512');
    // jsonwebtoken signs and verifies with no RSA-PSS key that lacks these restrictions.
    expect(configMessage({ alg: 'PS256', privateKey: pss({}) })).to.contain('got no restriction');
    const mgf = pss({ hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha1', saltLength: 32 });
    expect(configMessage({ alg: 'PS256', privateKey: mgf })).to.contain('MGF1 sha1');
    const salty = pss({ hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha256', saltLength: 64 });
    expect(configMessage({ alg: 'PS256', privateKey: salty })).to.contain('at least 64');
    // Keys whose restrictions match the algorithm, or that have none, sign and verify.
    for (const [alg, privateKey] of [
      ['PS512', sha512],
      ['PS256', pss({ hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha256', saltLength: 32 })],
      ['PS384', pss({ hashAlgorithm: 'sha384', mgf1HashAlgorithm: 'sha384' })],
    ] as const) {
      const jam = new Jam({ jwt: { alg, privateKey } });
      expect(await jam.verifyJwtToken(await jam.genJwtToken(jam.makePayload({ sub: 'a' })))).to.include({
        sub: 'a',
      });
    }
  });

  it('never echoes a secret in an error message', () => {
    expect(configMessage({ secretKey: 'hunter2-secret' })).not.to.contain('hunter2');
    expect(configMessage({ secretKey: SECRET, issuer: 42 as never })).not.to.contain(SECRET);
  });

  it('takes a string, a Buffer or a KeyObject as secret', async () => {
    for (const secretKey of [SECRET, Buffer.from(SECRET), createSecretKey(Buffer.from(SECRET))]) {
      const jam = new Jam({ jwt: { secretKey } });
      const other = new Jam({ jwt: { secretKey: SECRET } });
      // The same bytes make the same key, whatever form they came in.
      expect(await other.verifyJwtToken(await jam.genJwtToken(jam.makePayload({})))).to.have.property('jti');
    }
  });

  it('falls back to the environment, and the config wins over it', async () => {
    const { privatePem, publicPem } = keyPairFor('RS256');
    process.env.JAM_JWT_SECRET_KEY = SECRET;
    const fromEnv = new Jam({ jwt: {} });
    expect(await fromEnv.verifyJwtToken(await fromEnv.genJwtToken(fromEnv.makePayload({})))).to.have.property(
      'exp',
    );

    const configWins = new Jam({ jwt: { secretKey: 'z'.repeat(32) } });
    const token = await configWins.genJwtToken(configWins.makePayload({}));
    const err = await fromEnv.verifyJwtToken(token).catch((e: unknown) => e);
    expect(err).to.have.property('code', 'ERR_JWT_INVALID');

    process.env.JAM_JWT_PRIVATE_KEY = privatePem;
    process.env.JAM_JWT_PUBLIC_KEY = publicPem;
    const rs = new Jam({ jwt: { alg: 'RS256' } });
    expect(await rs.verifyJwtToken(await rs.genJwtToken(rs.makePayload({})))).to.have.property('jti');
  });

  it('a public key alone makes a verify-only instance', async () => {
    const { privatePem, publicPem } = keyPairFor('ES256');
    const signer = new Jam({ jwt: { alg: 'ES256', privateKey: privatePem } });
    const verifier = new Jam({ jwt: { alg: 'ES256', publicKey: publicPem } });
    const payload = signer.makePayload({ sub: 'x' });
    expect(await verifier.verifyJwtToken(await signer.genJwtToken(payload))).to.deep.equal(payload);
    const err = await verifier.genJwtToken(payload).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(JamError).with.property('code', 'ERR_CONFIG');
  });
});
