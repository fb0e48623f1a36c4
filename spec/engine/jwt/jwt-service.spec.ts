import { createSign } from 'node:crypto';
import { expect } from 'chai';
import { jwtVerify } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { Jam, JamError, type JwtAlgorithm, type JwtOptions } from 'koa-jam';
import { freezeClock, type FrozenClock } from '../../helpers/clock.js';
import { keyPairFor, SECRET } from '../../helpers/keys.js';
import { rejectsWith } from '../../helpers/errors.js';
import { nested } from '../../helpers/nested.js';
import { craftToken, decodeSegment } from '../../helpers/tokens.js';

const ALGS: JwtAlgorithm[] = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
];

function jamFor(alg: JwtAlgorithm, extra: JwtOptions = {}): Jam {
  const keys = alg.startsWith('HS') ? { secretKey: SECRET } : { privateKey: keyPairFor(alg).privatePem };
  return new Jam({ jwt: { alg, ...keys, ...extra } });
}

describe('JWT', () => {
  let clock: FrozenClock;
  beforeEach(() => (clock = freezeClock()));
  afterEach(() => clock.uninstall());

  describe('makePayload', () => {
    it('adds iat, exp and a unique jti; fields of data win', () => {
      const jam = jamFor('HS256', { expire: 120 });
      const now = Math.floor(Date.now() / 1000);
      const a = jam.makePayload({ user: 1 });
      expect(a).to.include({ user: 1, iat: now, exp: now + 120 });
      expect(a.jti).to.be.a('string').with.length.greaterThan(30);
      expect(jam.makePayload({}).jti).not.to.equal(a.jti);
      expect(jam.makePayload({ exp: 5, jti: 'mine' })).to.include({ exp: 5, jti: 'mine' });
      expect(jam.makePayload({}, { exp: 10 }).exp).to.equal(now + 10);
      for (const exp of [0, -5, 1.5, Infinity]) {
        expect(() => jam.makePayload({}, { exp }))
          .to.throw(JamError)
          .with.property('code', 'ERR_INVALID_ARGUMENT');
      }
      expect(() => jam.makePayload({}, { exp: Number.NaN })).to.throw(JamError);
    });

    it('adds the configured issuer and audience', () => {
      expect(jamFor('HS256', { issuer: 'me', audience: 'you' }).makePayload({})).to.include({
        iss: 'me',
        aud: 'you',
      });
    });
  });

  describe('round trip', () => {
    for (const alg of ALGS) {
      it(`${alg}: signs the payload exactly as given and verifies it`, async () => {
        const jam = jamFor(alg);
        const payload = jam.makePayload({ sub: '42', roles: ['a'] });
        const token = await jam.genJwtToken(payload);
        expect(decodeSegment(token, 0)).to.deep.equal({ alg, typ: 'JWT' });
        expect(decodeSegment(token, 1)).to.deep.equal(payload);
        expect(await jam.verifyJwtToken(token)).to.deep.equal(payload);
        // An independent check of the algorithm on the wire (Jam's Python original signed HS512 with SHA-256).
        const verifyKey = alg.startsWith('HS') ? SECRET : keyPairFor(alg).publicKey;
        expect(jsonwebtoken.verify(token, verifyKey, { algorithms: [alg] })).to.deep.equal(payload);
      });
    }

    it('adds no claims to a bare payload', async () => {
      const jam = jamFor('HS256');
      const token = await jam.genJwtToken({ user: 1 });
      expect(decodeSegment(token, 1)).to.deep.equal({ user: 1 });
      expect(await jam.verifyJwtToken(token, { checkExp: false })).to.deep.equal({ user: 1 });
    });

    it("returns a frozen payload, so one request cannot change another one's", async () => {
      const jam = jamFor('HS256');
      const payload = await jam.verifyJwtToken(await jam.genJwtToken(jam.makePayload({ nested: { a: 1 } })));
      expect(Object.isFrozen(payload)).to.equal(true);
      expect(Object.isFrozen(payload.nested)).to.equal(true);
    });

    it('verifies payloads nested up to 32 levels, frozen at every level, and refuses deeper ones', async () => {
      const jam = jamFor('HS256');
      const payload = await jam.verifyJwtToken(await jam.genJwtToken(jam.makePayload({ deep: nested(31) })));
      let level: unknown = payload; // the payload is level 1, `deep` level 2, … the innermost object level 32
      for (let depth = 1; depth <= 32; depth++) {
        expect(Object.isFrozen(level), `level ${depth}`).to.equal(true);
        level = (level as Record<string, unknown>)[depth === 1 ? 'deep' : 'a'];
      }
      const deeper = craftToken({ alg: 'HS256', typ: 'JWT' }, jam.makePayload({ deep: nested(32) }), SECRET);
      const err = await rejectsWith(jam.verifyJwtToken(deeper), 'ERR_JWT_INVALID');
      expect(err.message).to.contain('deeper than 32 levels');
    });
  });

  describe('genJwtToken checks the JSON it signs', () => {
    it('refuses claims that a toJSON member turns bad, at any depth', async () => {
      const jam = jamFor('HS256');
      const good = jam.makePayload({ sub: 'ann' });
      for (const payload of [
        { ...good, toJSON: () => ({ ...good, exp: 'x' }) },
        { ...good, toJSON: () => [good] },
        { ...good, toJSON: () => 'a string' },
        { ...good, toJSON: () => undefined },
      ]) {
        await rejectsWith(jam.genJwtToken(payload), 'ERR_INVALID_ARGUMENT');
      }
      // A toJSON that serialises to good claims is signed as serialised.
      const renamed = { ...good, toJSON: () => ({ ...good, sub: 'bob' }) };
      const token = await jam.genJwtToken(renamed);
      expect(await jam.verifyJwtToken(token)).to.deep.equal({ ...good, sub: 'bob' });
    });

    it('refuses a payload nested deeper than 32 levels, whatever the depth, with ERR_INVALID_ARGUMENT', async () => {
      const jam = jamFor('HS256');
      for (const depth of [32, 5000, 200_000]) {
        await rejectsWith(jam.genJwtToken(jam.makePayload({ deep: nested(depth) })), 'ERR_INVALID_ARGUMENT');
      }
    });
  });

  describe('refuses', () => {
    const jam = () => jamFor('HS256', { cache: false });

    it('a tampered signature or payload', async () => {
      const j = jam();
      const token = await j.genJwtToken(j.makePayload({ admin: false }));
      const [h, p, s] = token.split('.');
      const flipped = s.slice(0, -2) + (s.at(-2) === 'A' ? 'B' : 'A') + s.at(-1);
      await rejectsWith(j.verifyJwtToken(`${h}.${p}.${flipped}`), 'ERR_JWT_INVALID');
      const forged = Buffer.from(JSON.stringify({ ...decodeSegment(token, 1), admin: true })).toString(
        'base64url',
      );
      await rejectsWith(j.verifyJwtToken(`${h}.${forged}.${s}`), 'ERR_JWT_INVALID');
    });

    it('alg none, in any spelling', async () => {
      const j = jam();
      const payload = j.makePayload({});
      for (const alg of ['none', 'None', 'NONE']) {
        await rejectsWith(j.verifyJwtToken(craftToken({ alg, typ: 'JWT' }, payload)), 'ERR_JWT_INVALID');
      }
    });

    it('an HS256 token signed with the RS public key (key confusion)', async () => {
      const { publicPem } = keyPairFor('RS256');
      const rs = jamFor('RS256', { cache: false });
      const token = craftToken({ alg: 'HS256', typ: 'JWT' }, rs.makePayload({ admin: true }), publicPem);
      await rejectsWith(rs.verifyJwtToken(token), 'ERR_JWT_INVALID');
    });

    it('a token of another algorithm than the configured one', async () => {
      const signer = jamFor('HS512');
      const token = await signer.genJwtToken(signer.makePayload({}));
      await rejectsWith(jam().verifyJwtToken(token), 'ERR_JWT_INVALID');
    });

    it('an expired token, and a token without exp', async () => {
      const j = jam();
      const token = await j.genJwtToken(j.makePayload({}, { exp: 60 }));
      clock.tick(60_000);
      await rejectsWith(j.verifyJwtToken(token), 'ERR_JWT_EXPIRED');
      expect(await j.verifyJwtToken(token, { checkExp: false })).to.have.property('jti');
      await rejectsWith(j.verifyJwtToken(await j.genJwtToken({ sub: '1' })), 'ERR_JWT_INVALID');
    });

    it('a token that is not valid yet, or issued in the future', async () => {
      const j = jam();
      const now = Math.floor(Date.now() / 1000);
      await rejectsWith(
        j.verifyJwtToken(await j.genJwtToken({ nbf: now + 30, exp: now + 90 })),
        'ERR_JWT_NOT_BEFORE',
      );
      await rejectsWith(
        j.verifyJwtToken(await j.genJwtToken({ iat: now + 30, exp: now + 90 })),
        'ERR_JWT_INVALID',
      );
      const tolerant = jamFor('HS256', { clockTolerance: 60 });
      expect(
        await tolerant.verifyJwtToken(await j.genJwtToken({ nbf: now + 30, exp: now + 90 })),
      ).to.have.property('nbf');
    });

    it('a wrong issuer or audience', async () => {
      const j = jamFor('HS256', { issuer: 'me', audience: ['api'] });
      const base = j.makePayload({});
      await rejectsWith(j.verifyJwtToken(await j.genJwtToken({ ...base, iss: 'evil' })), 'ERR_JWT_INVALID');
      await rejectsWith(j.verifyJwtToken(await j.genJwtToken({ ...base, aud: 'other' })), 'ERR_JWT_INVALID');
      const { iss: _iss, ...noIssuer } = base;
      await rejectsWith(j.verifyJwtToken(await j.genJwtToken(noIssuer)), 'ERR_JWT_INVALID');
      expect(await j.verifyJwtToken(await j.genJwtToken(base))).to.deep.equal(base);
    });

    it('truncated, non-base64, oversized and non-object tokens', async () => {
      const j = jam();
      const token = await j.genJwtToken(j.makePayload({}));
      const cases = [
        token.slice(0, token.lastIndexOf('.')),
        token.slice(0, 20),
        `${token}.extra`,
        token.replace('.', '.!@#$'),
        '%%%.***.&&&',
        '',
        'a'.repeat(10_000),
        craftToken({ alg: 'HS256', typ: 'JWT' }, 'just a string', SECRET),
        craftToken({ alg: 'HS256', typ: 'JWT' }, [1, 2], SECRET),
      ];
      for (const bad of cases) await rejectsWith(j.verifyJwtToken(bad), 'ERR_JWT_INVALID');
      await rejectsWith(j.verifyJwtToken(42 as never), 'ERR_JWT_INVALID');
    });

    it('and says why without echoing the token', async () => {
      const j = jam();
      const token = await j.genJwtToken(j.makePayload({}));
      const err = await rejectsWith(j.verifyJwtToken(token + 'x'), 'ERR_JWT_INVALID');
      expect(err.message).not.to.contain(token.split('.')[2]);
      expect(err.status).to.equal(401);
    });
  });

  it('PS256 accepts tokens from RSA-PSS signers and RS256 refuses them', async () => {
    const { privateKey } = keyPairFor('PS256');
    const ps = jamFor('PS256');
    const token = await ps.genJwtToken(ps.makePayload({}));
    await rejectsWith(jamFor('RS256').verifyJwtToken(token), 'ERR_JWT_INVALID');
    const body = token.split('.').slice(0, 2).join('.');
    // A PKCS#1 v1.5 signature under a PS256 header must not pass.
    const v15 = createSign('sha256').update(body).sign(privateKey, 'base64url');
    await rejectsWith(jamFor('PS256', { cache: false }).verifyJwtToken(`${body}.${v15}`), 'ERR_JWT_INVALID');
  });

  describe('verified-token cache', () => {
    it('answers a repeated token from the cache', async () => {
      const jam = jamFor('HS256');
      const token = await jam.genJwtToken(jam.makePayload({}));
      const first = await jam.verifyJwtToken(token);
      const second = await jam.verifyJwtToken(token);
      expect(second).to.equal(first);
      expect(jam.jwtCacheStats()).to.include({ size: 1, hits: 1, misses: 1 });
    });

    it("drops an entry at the token's exp, and then refuses the token", async () => {
      const jam = jamFor('HS256');
      const token = await jam.genJwtToken(jam.makePayload({}, { exp: 30 }));
      await jam.verifyJwtToken(token);
      clock.tick(29_999);
      await jam.verifyJwtToken(token);
      expect(jam.jwtCacheStats()).to.include({ hits: 1 });
      clock.tick(1);
      await rejectsWith(jam.verifyJwtToken(token), 'ERR_JWT_EXPIRED');
      expect(jam.jwtCacheStats()).to.include({ size: 0, hits: 1, misses: 2 });
    });

    it('stays within maxEntries, evicting the least recently used', async () => {
      const jam = jamFor('HS256', { cache: { maxEntries: 3 } });
      const tokens = await Promise.all([1, 2, 3, 4].map((n) => jam.genJwtToken(jam.makePayload({ n }))));
      for (const token of tokens.slice(0, 3)) await jam.verifyJwtToken(token);
      await jam.verifyJwtToken(tokens[0]); // token 0 is now the most recent; token 1 the least
      await jam.verifyJwtToken(tokens[3]);
      expect(jam.jwtCacheStats()).to.include({ size: 3, maxEntries: 3, hits: 1, misses: 4 });
      await jam.verifyJwtToken(tokens[0]);
      await jam.verifyJwtToken(tokens[1]);
      expect(jam.jwtCacheStats()).to.include({ hits: 2, misses: 5 });
    });

    it('stays within maxBytes (default 64 MiB), counting what payloads hold, not how many there are', async () => {
      expect(jamFor('HS256').jwtCacheStats()).to.include({
        bytes: 0,
        maxBytes: 64 * 2 ** 20,
        maxEntries: 10_000,
      });
      const jam = jamFor('HS256', { cache: { maxBytes: 2 ** 20 } });
      const typical = await jam.genJwtToken(jam.makePayload({ sub: 'alice', roles: ['user', 'admin'] }));
      await jam.verifyJwtToken(typical);
      const { bytes: typicalBytes } = jam.jwtCacheStats()!;
      expect(typicalBytes).to.be.within(500, 1500); // V8 holds about 700 bytes for such a payload
      // Well-signed 6 KB tokens, each payload 1,500 empty objects (about 96 KB of heap each).
      for (let n = 0; n < 40; n++) {
        const hostile = jam.makePayload({ n, x: Array.from({ length: 1500 }, () => ({})) });
        const token = await jam.genJwtToken(hostile);
        expect(token.length).to.be.below(8192);
        await jam.verifyJwtToken(token);
      }
      const stats = jam.jwtCacheStats()!;
      expect(stats.bytes).to.be.at.most(2 ** 20);
      expect(stats.size).to.be.within(8, 10); // ~108 KB estimated each
      expect(stats.bytes / stats.size).to.be.above(96_000);
    });

    describe('ECDSA signatures are malleable: (r, s) and (r, n - s) both verify', () => {
      const ORDERS = {
        ES256: 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551',
        ES384:
          'ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
        ES512:
          '01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409',
      } as const;
      const twinOf = (token: string, alg: keyof typeof ORDERS) => {
        const dot = token.lastIndexOf('.');
        const signature = Buffer.from(token.slice(dot + 1), 'base64url');
        const half = signature.length / 2;
        const s = BigInt(`0x${signature.subarray(half).toString('hex')}`);
        const twin = (BigInt(`0x${ORDERS[alg]}`) - s).toString(16).padStart(half * 2, '0');
        const spelled = Buffer.concat([signature.subarray(0, half), Buffer.from(twin, 'hex')]);
        return `${token.slice(0, dot + 1)}${spelled.toString('base64url')}`;
      };

      for (const alg of ['ES256', 'ES384', 'ES512'] as const) {
        it(`${alg}: both spellings verify (in jose too) and share one cache entry`, async () => {
          const jam = jamFor(alg);
          const token = await jam.genJwtToken(jam.makePayload({ sub: 'ann' }));
          const twin = twinOf(token, alg);
          expect(twin).not.to.equal(token);
          const { publicKey } = keyPairFor(alg);
          expect((await jwtVerify(twin, publicKey)).payload).to.include({ sub: 'ann' });
          expect(await jam.verifyJwtToken(token)).to.include({ sub: 'ann' });
          expect(await jam.verifyJwtToken(twin)).to.include({ sub: 'ann' });
          expect(jam.jwtCacheStats()).to.include({ size: 1, hits: 1, misses: 1 });
          expect(await jamFor(alg, { cache: false }).verifyJwtToken(twin)).to.include({ sub: 'ann' });
          // The other order: a high-S token (another signer's) first, then its twin.
          const fresh = jamFor(alg);
          await fresh.verifyJwtToken(twin);
          await fresh.verifyJwtToken(token);
          expect(fresh.jwtCacheStats()).to.include({ size: 1, hits: 1 });
          // koa-jam signs low-S only: the twin is always the high-S one.
          for (let n = 0; n < 8; n++) {
            const mine = await jam.genJwtToken(jam.makePayload({ n }));
            const signature = Buffer.from(mine.slice(mine.lastIndexOf('.') + 1), 'base64url');
            const s = BigInt(`0x${signature.subarray(signature.length / 2).toString('hex')}`);
            expect(s <= BigInt(`0x${ORDERS[alg]}`) / 2n, `token ${n}`).to.equal(true);
          }
        });
      }

      it('the same arithmetic on an HMAC signature is refused, never a cache hit', async () => {
        const jam = jamFor('HS512');
        const token = await jam.genJwtToken(jam.makePayload({ sub: 'ann' }));
        await jam.verifyJwtToken(token);
        await rejectsWith(jam.verifyJwtToken(twinOf(token, 'ES256')), 'ERR_JWT_INVALID');
      });
    });

    it('does not keep a payload larger than maxBytes', async () => {
      const jam = jamFor('HS256', { cache: { maxBytes: 10_000 } });
      await jam.verifyJwtToken(
        await jam.genJwtToken(jam.makePayload({ x: Array.from({ length: 500 }, () => ({})) })),
      );
      expect(jam.jwtCacheStats()).to.include({ size: 0, bytes: 0 });
    });

    it('does not cache a token verified without the exp check, nor a refused one', async () => {
      const jam = jamFor('HS256');
      await jam.verifyJwtToken(await jam.genJwtToken({ user: 1 }), { checkExp: false });
      await jam.verifyJwtToken('bad.token.here').catch(() => undefined);
      expect(jam.jwtCacheStats()).to.include({ size: 0 });
    });

    it('can be turned off', async () => {
      const jam = jamFor('HS256', { cache: false });
      expect(jam.jwtCacheStats()).to.equal(undefined);
    });
  });
});
