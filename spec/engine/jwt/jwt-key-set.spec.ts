import { expect } from 'chai';
import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import { Jam, JamError, type JwtAlgorithm, type JwtKeyOptions } from 'koa-jam';
import { keyPairFor, otherRsaPair, SECRET } from '../../helpers/keys.js';
import { rejectsWith } from '../../helpers/errors.js';
import { craftToken, decodeSegment } from '../../helpers/tokens.js';

const rsaOld = otherRsaPair();
const rsaNew = keyPairFor('RS256');
const ec = keyPairFor('ES256');

function jamWith(keys: JwtKeyOptions[]): Jam {
  return new Jam({ jwt: { alg: 'RS256', keys } });
}

describe('jwt.keys (key rotation)', () => {
  it('signs with the first key that has a private key, naming it in the header', async () => {
    const jam = jamWith([
      { kid: 'published-only', publicKey: rsaOld.publicPem },
      { kid: 'current', privateKey: rsaNew.privatePem },
      { kid: 'next', privateKey: ec.privatePem, alg: 'ES256' },
    ]);
    const token = await jam.genJwtToken(jam.makePayload({}));
    expect(decodeSegment(token, 0)).to.deep.equal({ alg: 'RS256', typ: 'JWT', kid: 'current' });
  });

  it('verifies old tokens until their key is removed', async () => {
    const before = jamWith([{ kid: 'k1', privateKey: rsaOld.privatePem }]);
    const oldToken = await before.genJwtToken(before.makePayload({ sub: 'old' }));

    // Step 1: a new signing key in front, the old one kept to verify the tokens it signed.
    const during = jamWith([
      { kid: 'k2', alg: 'ES256', privateKey: ec.privatePem },
      { kid: 'k1', publicKey: rsaOld.publicPem },
    ]);
    const newToken = await during.genJwtToken(during.makePayload({ sub: 'new' }));
    expect(decodeSegment(newToken, 0)).to.include({ alg: 'ES256', kid: 'k2' });
    expect(await during.verifyJwtToken(oldToken)).to.include({ sub: 'old' });
    expect(await during.verifyJwtToken(newToken)).to.include({ sub: 'new' });

    // Step 2: once the old tokens have expired, the old key goes.
    const after = jamWith([{ kid: 'k2', alg: 'ES256', privateKey: ec.privatePem }]);
    expect(await after.verifyJwtToken(newToken)).to.include({ sub: 'new' });
    await rejectsWith(after.verifyJwtToken(oldToken), 'ERR_JWT_INVALID');
  });

  it('pins the algorithm of each key: a kid cannot be used with another algorithm', async () => {
    const jam = jamWith([
      { kid: 'rs', privateKey: rsaNew.privatePem },
      { kid: 'hs', alg: 'HS256', secretKey: SECRET },
    ]);
    const payload = jam.makePayload({ admin: true });
    // HS256 "signed" with the RSA public key, under the RSA key's kid: the classic key confusion.
    await rejectsWith(
      jam.verifyJwtToken(craftToken({ alg: 'HS256', kid: 'rs' }, payload, rsaNew.publicPem)),
      'ERR_JWT_INVALID',
    );
    // A genuine HS256 token, but naming the RSA key.
    await rejectsWith(
      jam.verifyJwtToken(craftToken({ alg: 'HS256', kid: 'rs' }, payload, SECRET)),
      'ERR_JWT_INVALID',
    );
    expect(await jam.verifyJwtToken(craftToken({ alg: 'HS256', kid: 'hs' }, payload, SECRET))).to.include({
      admin: true,
    });
  });

  it('refuses an unknown or missing kid, and never uses one as a path, URL or property name', async () => {
    const jam = jamWith([{ kid: 'hs', alg: 'HS256', secretKey: SECRET }]);
    const payload = jam.makePayload({});
    const kids: unknown[] = [
      'other',
      '../../../../etc/passwd',
      'file:///etc/passwd',
      'http://127.0.0.1:1/jwks.json',
      "' OR 1=1 --",
      '__proto__',
      'constructor',
      'toString',
      '',
      42,
      null,
      ['hs'],
      { toString: 'hs' },
    ];
    for (const kid of kids) {
      const err = await rejectsWith(
        jam.verifyJwtToken(craftToken({ alg: 'HS256', kid }, payload, SECRET)),
        'ERR_JWT_INVALID',
      );
      expect(err.message).to.contain('kid');
    }
    await rejectsWith(jam.verifyJwtToken(craftToken({ alg: 'HS256' }, payload, SECRET)), 'ERR_JWT_INVALID');
  });

  it('can verify only, when no key has a private or secret key', async () => {
    const jam = jamWith([{ kid: 'k1', publicKey: rsaNew.publicPem }]);
    await rejectsWith(jam.genJwtToken({}), 'ERR_CONFIG');
    const signer = jamWith([{ kid: 'k1', privateKey: rsaNew.privatePem }]);
    const token = await signer.genJwtToken(signer.makePayload({ sub: 'u1' }));
    expect(await jam.verifyJwtToken(token)).to.include({ sub: 'u1' });
  });

  it('validates the keys at construction, naming the entry', () => {
    const cases: Array<[unknown, string]> = [
      [[], 'jwt.keys must be a non-empty array'],
      ['k1', 'jwt.keys must be a non-empty array'],
      [[{ privateKey: rsaNew.privatePem }], 'jwt.keys[0].kid'],
      [
        [
          { kid: 'a', privateKey: rsaNew.privatePem },
          { kid: 'a', publicKey: rsaOld.publicPem },
        ],
        'jwt.keys[1].kid is used twice',
      ],
      [[{ kid: 'a', privateKey: 'not a pem' }], 'jwt.keys[0].privateKey is not a valid private key'],
      [[{ kid: 'a', alg: 'HS256', secretKey: 'short' }], 'jwt.keys[0].secretKey must be at least 32 bytes'],
      [[{ kid: 'a', alg: 'none' }], 'jwt.keys[0].alg'],
      [[{ kid: 'a', path: '/etc/key.pem' }], 'unknown option jwt.keys[0].path'],
    ];
    for (const [keys, message] of cases) {
      expect(() => new Jam({ jwt: { alg: 'RS256', keys: keys as never } }), message)
        .to.throw(JamError, message)
        .with.property('code', 'ERR_CONFIG');
    }
    expect(
      () => new Jam({ jwt: { secretKey: SECRET, keys: [{ kid: 'a', alg: 'HS256', secretKey: SECRET }] } }),
    ).to.throw(JamError, 'either jwt.keys or jwt.secretKey');
  });
});

describe('jwks()', () => {
  it('publishes the public halves of the asymmetric keys, never a secret', () => {
    const jam = jamWith([
      { kid: 'rs', privateKey: rsaNew.privatePem },
      { kid: 'hs', alg: 'HS256', secretKey: SECRET },
      { kid: 'ec', alg: 'ES256', publicKey: ec.publicPem },
    ]);
    const { keys } = jam.jwks();
    expect(keys.map((k) => [k.kid, k.kty, k.alg, k.use])).to.deep.equal([
      ['rs', 'RSA', 'RS256', 'sig'],
      ['ec', 'EC', 'ES256', 'sig'],
    ]);
    for (const key of keys) expect(key).not.to.have.any.keys('d', 'p', 'q', 'dp', 'dq', 'qi', 'k');
    expect(new Jam({ jwt: { secretKey: SECRET } }).jwks()).to.deep.equal({ keys: [] });
  });

  it('publishes a single configured key without a kid', () => {
    const { keys } = new Jam({ jwt: { alg: 'ES256', privateKey: ec.privatePem } }).jwks();
    expect(keys).to.have.length(1);
    expect(keys[0]).to.include({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(keys[0]).not.to.have.property('kid');
  });
});

describe('interoperability with jose', () => {
  const algs: JwtAlgorithm[] = ['RS256', 'PS384', 'ES256', 'ES512'];
  for (const alg of algs) {
    it(`${alg}: koa-jam tokens verify in jose against the JWKS, and jose tokens verify in koa-jam`, async () => {
      const { privateKey } = keyPairFor(alg);
      const jam = new Jam({
        jwt: {
          issuer: 'https://issuer.example',
          audience: 'api',
          keys: [
            { kid: `${alg}-1`, alg, privateKey },
            { kid: 'old', alg: 'RS256', publicKey: rsaOld.publicPem },
          ],
        },
      });
      const jwks = createLocalJWKSet(jam.jwks());

      const ours = await jam.genJwtToken(jam.makePayload({ sub: 'u1' }));
      const { payload, protectedHeader } = await jwtVerify(ours, jwks, {
        issuer: 'https://issuer.example',
        audience: 'api',
        algorithms: [alg],
      });
      expect(payload).to.include({ sub: 'u1' });
      expect(protectedHeader).to.include({ alg, kid: `${alg}-1` });

      const theirs = await new SignJWT({ sub: 'u2' })
        .setProtectedHeader({ alg, kid: `${alg}-1` })
        .setIssuer('https://issuer.example')
        .setAudience('api')
        .setIssuedAt()
        .setExpirationTime('5m')
        .setJti('jose-1')
        .sign(privateKey);
      expect(await jam.verifyJwtToken(theirs)).to.include({ sub: 'u2', jti: 'jose-1' });

      // And the old key's tokens, made by jose, still verify through its kid.
      const old = await new SignJWT({ sub: 'u3' })
        .setProtectedHeader({ alg: 'RS256', kid: 'old' })
        .setIssuer('https://issuer.example')
        .setAudience('api')
        .setExpirationTime('5m')
        .sign(rsaOld.privateKey);
      expect(await jam.verifyJwtToken(old)).to.include({ sub: 'u3' });
    });
  }
});
