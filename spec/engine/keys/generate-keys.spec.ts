import { expect } from 'chai';
import {
  Jam,
  JamError,
  generateEcKeyPair,
  generateEncryptionKey,
  generateOtpSecret,
  generateRsaKeyPair,
  generateSecretKey,
  type JwtAlgorithm,
} from 'koa-jam';

async function roundTrip(jwt: { alg: JwtAlgorithm; secretKey?: string; privateKey?: string }): Promise<void> {
  const jam = new Jam({ jwt });
  const payload = jam.makePayload({ sub: 'k' });
  expect(await jam.verifyJwtToken(await jam.genJwtToken(payload))).to.deep.equal(payload);
}

describe('key generators', () => {
  it('generateSecretKey: 64 random bytes as base64url, accepted for HS512', async () => {
    const key = generateSecretKey();
    expect(key).to.match(/^[A-Za-z0-9_-]{86}$/);
    expect(generateSecretKey()).not.to.equal(key);
    await roundTrip({ alg: 'HS512', secretKey: key });
    expect(() => generateSecretKey(16))
      .to.throw(JamError)
      .with.property('code', 'ERR_INVALID_ARGUMENT');
  });

  it('generateRsaKeyPair: a PEM pair that signs and verifies RS256', async () => {
    const { privateKey, publicKey } = await generateRsaKeyPair();
    expect(privateKey).to.match(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(publicKey).to.match(/^-----BEGIN PUBLIC KEY-----\n/);
    await roundTrip({ alg: 'RS256', privateKey });
    const err = await generateRsaKeyPair(1024).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(JamError).with.property('code', 'ERR_INVALID_ARGUMENT');
  });

  it('generateEcKeyPair: P-256 by default, P-384 and P-521 on request, each accepted by its ES algorithm', async () => {
    await roundTrip({ alg: 'ES256', privateKey: (await generateEcKeyPair()).privateKey });
    await roundTrip({ alg: 'ES384', privateKey: (await generateEcKeyPair('P-384')).privateKey });
    await roundTrip({ alg: 'ES512', privateKey: (await generateEcKeyPair('P-521')).privateKey });
    const err = await generateEcKeyPair('secp256k1' as 'P-256').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(JamError).with.property('code', 'ERR_INVALID_ARGUMENT');
  });

  it('generateEncryptionKey: 32 random bytes as base64url, accepted as session.encryptionKey', async () => {
    const key = generateEncryptionKey();
    expect(Buffer.from(key, 'base64url')).to.have.length(32);
    expect(generateEncryptionKey()).not.to.equal(key);
    const jam = new Jam({ session: { encryptionKey: key } });
    const id = await jam.createSession('k', { n: 1 });
    expect(await jam.getSession(id)).to.deep.equal({ n: 1 });
    await jam.close();
  });

  it('generateOtpSecret: 160 bits of unpadded base32 by default, usable by the OTP methods', () => {
    const secret = generateOtpSecret();
    expect(secret).to.match(/^[A-Z2-7]{32}$/);
    expect(generateOtpSecret(32)).to.match(/^[A-Z2-7]{52}$/);
    expect(new Jam({ otp: {} }).getOtpCode(secret)).to.match(/^\d{6}$/);
    expect(() => generateOtpSecret(10))
      .to.throw(JamError)
      .with.property('code', 'ERR_INVALID_ARGUMENT');
  });
});
