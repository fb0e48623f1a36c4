import { constants, pbkdf2Sync, randomBytes, randomUUID, sign, verify } from 'node:crypto';
import { expect } from 'chai';
import { Jam, JamError, verifyPassword, type JwtAlgorithm } from 'koa-jam';
import { freezeClock, type FrozenClock } from '../helpers/clock.js';
import { rejectsWith } from '../helpers/errors.js';
import { keyPairFor } from '../helpers/keys.js';
import { craftToken } from '../helpers/tokens.js';

// koa-jam's side of each interoperability claim of docs/migrating-from-jam.md. Jam's side was measured by
// running Jam itself; these tokens are built the way Jam builds them, without koa-jam or jsonwebtoken.
describe('docs/migrating-from-jam.md: koa-jam side of the interoperability claims', () => {
  let clock: FrozenClock;
  beforeEach(() => (clock = freezeClock()));
  afterEach(() => clock.uninstall());

  const now = () => Math.floor(Date.now() / 1000);
  const jamKey = randomBytes(32); // the smallest key koa-jam takes for HS256
  // Jam's make_payload: a uuid4 jti, exp and iat, then the data; compact JSON, alg then typ.
  const jamPayload = (data: object) => ({ jti: randomUUID(), exp: now() + 3600, iat: now(), ...data });

  it('a token shaped like Jam’s (HS256, a 32-byte key, exp) verifies', async () => {
    const jam = new Jam({ jwt: { secretKey: jamKey } });
    const token = craftToken({ alg: 'HS256', typ: 'JWT' }, jamPayload({ user_id: 1 }), jamKey);
    expect(await jam.verifyJwtToken(token)).to.include({ user_id: 1 });
  });

  it('a Jam token without exp is refused unless checkExp is off; an expired one is refused', async () => {
    const jam = new Jam({ jwt: { secretKey: jamKey } });
    const { exp: _exp, ...withoutExp } = jamPayload({ user_id: 1 });
    const token = craftToken({ alg: 'HS256', typ: 'JWT' }, withoutExp, jamKey);
    await rejectsWith(jam.verifyJwtToken(token), 'ERR_JWT_INVALID');
    expect(await jam.verifyJwtToken(token, { checkExp: false })).to.include({ user_id: 1 });
    const expiring = craftToken({ alg: 'HS256', typ: 'JWT' }, jamPayload({}), jamKey);
    clock.tick(3601_000);
    await rejectsWith(jam.verifyJwtToken(expiring), 'ERR_JWT_EXPIRED');
  });

  it('the "SECRET" of Jam’s docs (6 bytes) is refused at start-up', () => {
    expect(() => new Jam({ jwt: { alg: 'HS256', secretKey: 'SECRET' } }))
      .to.throw(JamError, /at least 32 bytes/)
      .with.property('code', 'ERR_CONFIG');
  });

  for (const [alg, hash, hashLength] of [
    ['PS256', 'sha256', 32],
    ['PS384', 'sha384', 48],
    ['PS512', 'sha512', 64],
  ] as const) {
    it(`${alg} signed with the maximum salt length (as Jam does) is refused; with the hash length it verifies`, async () => {
      const { privateKey, publicKey, privatePem } = keyPairFor(alg as JwtAlgorithm);
      const jam = new Jam({ jwt: { alg, privateKey: privatePem, cache: false } });
      const body = craftToken({ alg, typ: 'JWT' }, jamPayload({ user_id: 1 })).slice(0, -1); // header.payload
      const pss = (saltLength: number) =>
        sign(hash, Buffer.from(body), {
          key: privateKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength,
        });

      const maxSalt = pss(constants.RSA_PSS_SALTLEN_MAX_SIGN);
      // A genuine RSA-PSS signature, just not with the salt length RFC 7518 §3.5 asks for.
      const auto = {
        key: publicKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_AUTO,
      };
      expect(verify(hash, Buffer.from(body), auto, maxSalt)).to.equal(true);
      await rejectsWith(jam.verifyJwtToken(`${body}.${maxSalt.toString('base64url')}`), 'ERR_JWT_INVALID');

      const hashSalt = pss(hashLength);
      expect(await jam.verifyJwtToken(`${body}.${hashSalt.toString('base64url')}`)).to.include({
        user_id: 1,
      });
    });
  }

  it('a Jam 2.x password hash (PBKDF2-SHA256, salt$hash in hex) is not one of koa-jam’s', async () => {
    const salt = randomBytes(16);
    const jamHash = `${salt.toString('hex')}$${pbkdf2Sync('pw', salt, 100_000, 32, 'sha256').toString('hex')}`;
    await rejectsWith(verifyPassword('pw', jamHash), 'ERR_INVALID_ARGUMENT');
  });
});
