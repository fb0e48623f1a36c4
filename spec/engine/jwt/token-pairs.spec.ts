import { expect } from 'chai';
import { jwtVerify } from 'jose';
import { Jam, type JwtListOptions, type JwtOptions } from 'koa-jam';
import { freezeClock } from '../../helpers/clock.js';
import { SECRET } from '../../helpers/keys.js';
import { useListJams } from '../../helpers/list-jams.js';
import { STORE_KINDS } from '../../helpers/store-kinds.js';
import { race } from '../../../test-support/race.js';
import { rejectsWith } from '../../helpers/errors.js';
import { refreshRacer } from '../../helpers/refresh-racer.js';
import { slowKeyv } from '../../helpers/slow-store.js';
import { craftToken, decodeSegment } from '../../helpers/tokens.js';

const RACERS = 4;
const RACED_TOKENS = 40;

for (const kind of STORE_KINDS) {
  describe(`token pairs on ${kind.name}`, () => {
    const jams = useListJams(kind);
    const jamWith = (type: JwtListOptions['type'] = 'black', extra?: JwtOptions) => jams.jamWith(type, extra);

    it('issues a short-lived access token and a long-lived refresh token, told apart by token_use', async () => {
      const jam = jamWith('black', { expire: 600, refreshExpire: 86_400 });
      const { accessToken, refreshToken } = await jam.genTokenPair({ sub: 'u1', roles: ['user'] });
      const access = await jam.verifyJwtToken(accessToken);
      expect(access).to.deep.include({ sub: 'u1', roles: ['user'], token_use: 'access' });
      expect(access.exp! - access.iat!).to.equal(600);
      const refresh = decodeSegment(refreshToken, 1);
      expect(refresh).to.deep.include({ sub: 'u1', token_use: 'refresh', fam: access.fam });
      expect((refresh.exp as number) - (refresh.iat as number)).to.equal(86_400);
      expect(refresh.jti).not.to.equal(access.jti);
    });

    it('never takes one token for the other', async () => {
      const jam = jamWith();
      const { accessToken, refreshToken } = await jam.genTokenPair({ sub: 'u1' });
      const refused = [
        await rejectsWith(jam.verifyJwtToken(refreshToken), 'ERR_JWT_INVALID'),
        await rejectsWith(jam.verifyJwtToken(refreshToken, { checkList: false }), 'ERR_JWT_INVALID'),
        await rejectsWith(jam.refreshTokenPair(accessToken), 'ERR_JWT_INVALID'),
        await rejectsWith(
          jam.refreshTokenPair(await jam.genJwtToken(jam.makePayload({}))),
          'ERR_JWT_INVALID',
        ),
      ];
      for (const err of refused) expect(err.check).to.equal('token_use');
      // The data cannot turn an access token into a refresh token, nor pick the family or lifetime.
      const forged = await jam.genTokenPair({ token_use: 'refresh', fam: 'mine', exp: 1 });
      expect(decodeSegment(forged.accessToken, 1)).to.include({ token_use: 'access' });
      expect(decodeSegment(forged.accessToken, 1).fam).not.to.equal('mine');
      await rejectsWith(jam.refreshTokenPair(forged.accessToken), 'ERR_JWT_INVALID');
      // The app's own bug, not a client's bad token: a 500, not a 401.
      for (const bad of [null, 'sub', ['a']]) {
        const err = await rejectsWith(jam.genTokenPair(bad as never), 'ERR_INVALID_ARGUMENT');
        expect(err.status, String(bad)).to.equal(500);
      }
    });

    for (const type of ['black', 'white'] as const) {
      it(`rotates: a refresh token is spent on use, and reusing it revokes the whole family (${type} list)`, async () => {
        const jam = jamWith(type);
        const first = await jam.genTokenPair({ sub: 'u1' });
        const other = await jam.genTokenPair({ sub: 'u2' });
        const second = await jam.refreshTokenPair(first.refreshToken);
        const access = await jam.verifyJwtToken(second.accessToken);
        expect(access).to.include({ sub: 'u1', fam: decodeSegment(first.accessToken, 1).fam });
        const third = await jam.refreshTokenPair(second.refreshToken);

        // The first refresh token again: someone kept a copy.
        const err = await rejectsWith(jam.refreshTokenPair(first.refreshToken), 'ERR_JWT_REVOKED');
        expect(err.message).to.contain('family');
        for (const pair of [first, second, third]) {
          await rejectsWith(jam.verifyJwtToken(pair.accessToken), 'ERR_JWT_REVOKED');
          await rejectsWith(jam.refreshTokenPair(pair.refreshToken), 'ERR_JWT_REVOKED');
        }
        // Other logins are untouched.
        expect(await jam.verifyJwtToken(other.accessToken)).to.include({ sub: 'u2' });
        expect(await jam.refreshTokenPair(other.refreshToken)).to.have.keys('accessToken', 'refreshToken');
      });

      it(`logging out with the access token also ends its refresh token (${type} list)`, async () => {
        const jam = jamWith(type);
        const pair = await jam.genTokenPair({ sub: 'u1' });
        await jam.revokeJwtToken(pair.accessToken);
        await rejectsWith(jam.verifyJwtToken(pair.accessToken), 'ERR_JWT_REVOKED');
        await rejectsWith(jam.refreshTokenPair(pair.refreshToken), 'ERR_JWT_REVOKED');
      });
    }

    it('works with a fractional clockTolerance and expire: store TTLs are whole milliseconds', async () => {
      for (const type of ['black', 'white'] as const) {
        const jam = jamWith(type, { clockTolerance: 0.0005 });
        const first = await jam.genTokenPair({ sub: 'u1' });
        const second = await jam.refreshTokenPair(first.refreshToken);
        expect(await jam.verifyJwtToken(second.accessToken)).to.include({ sub: 'u1' });
        const plain = await jam.genJwtToken({ ...jam.makePayload({}), exp: Date.now() / 1000 + 60.3 });
        await jam.revokeJwtToken(plain);
        await rejectsWith(jam.verifyJwtToken(plain), 'ERR_JWT_REVOKED');
      }
    });

    it('lets exactly one of two concurrent refreshes with the same token win', async () => {
      const jam = jamWith();
      const pairs = await Promise.all([1, 2, 3, 4, 5].map((n) => jam.genTokenPair({ n })));
      for (const { refreshToken } of pairs) {
        const outcomes = await Promise.allSettled([
          jam.refreshTokenPair(refreshToken),
          jam.refreshTokenPair(refreshToken),
        ]);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).to.have.length(1);
        const [lost] = outcomes.filter((o) => o.status === 'rejected');
        expect(lost.reason, lost.reason.message + lost.reason.cause).to.have.property(
          'code',
          'ERR_JWT_REVOKED',
        );
      }
    });

    if (kind.name !== 'memory') {
      it(`${RACERS} processes spending the same ${RACED_TOKENS} refresh tokens at once: exactly one wins each`, async function () {
        this.timeout(60_000);
        const jam = jamWith();
        const pairs = await Promise.all(
          Array.from({ length: RACED_TOKENS }, (_, n) => jam.genTokenPair({ n })),
        );
        const input = {
          store: jams.store!,
          warmup: pairs[0].accessToken,
          tokens: pairs.map((pair) => pair.refreshToken),
        };
        // Every process has every token in flight at once, from one start instant: spends of one token overlap.
        const results = await race(refreshRacer, Array(RACERS).fill(input));
        // The racers ran on the real clock: bring a frozen one up to it, so their tokens are not from the future.
        const behind = performance.timeOrigin + performance.now() - Date.now();
        if (behind > 0 && kind.name === 'SQLite') await jams.advance(behind);
        for (let i = 0; i < pairs.length; i++) {
          const outcomes = results.map((outcome) => outcome[i]);
          const winners = outcomes.filter((o) => o.accessToken !== undefined);
          expect(winners, `token ${i}: ${JSON.stringify(outcomes)}`).to.have.length(1);
          const losers = outcomes.filter((o) => o.accessToken === undefined);
          expect(losers).to.deep.equal(Array(RACERS - 1).fill({ code: 'ERR_JWT_REVOKED' }));
          // The losers could not tell a race from theft: the winner's new pair dies with the family.
          await rejectsWith(jam.verifyJwtToken(winners[0].accessToken!), 'ERR_JWT_REVOKED');
        }
      });
    }
  });
}

describe('token pairs', () => {
  it('need a list, which keeps spent refresh tokens and revoked families', async () => {
    const jam = new Jam({ jwt: { secretKey: SECRET } });
    await rejectsWith(jam.genTokenPair({ sub: 'u1' }), 'ERR_CONFIG');
    await rejectsWith(jam.refreshTokenPair('a.b.c'), 'ERR_CONFIG');
  });

  it('refuse an expired refresh token', async () => {
    const clock = freezeClock();
    try {
      const jam = new Jam({ jwt: { secretKey: SECRET, refreshExpire: 120, list: { type: 'black' } } });
      const { refreshToken } = await jam.genTokenPair({ sub: 'u1' });
      clock.tick(119_000);
      const { refreshToken: next } = await jam.refreshTokenPair(refreshToken);
      clock.tick(120_000);
      await rejectsWith(jam.refreshTokenPair(next), 'ERR_JWT_EXPIRED');
    } finally {
      clock.uninstall();
    }
  });

  it('white list: a family revoked by a replay stays revoked when the winner records it after the delete', async () => {
    // The winner's write of the family entry is slow (30 ms more than any other call), so the loser's delete
    // lands first: without a revocation marker, the write would bring the revoked family back.
    const store = slowKeyv((operation, key) => (operation === 'set' && /list:fam:/.test(key) ? 40 : 10));
    const jam = new Jam({ jwt: { secretKey: SECRET, list: { type: 'white', store } } });
    const { accessToken, refreshToken } = await jam.genTokenPair({ sub: 'u1' });
    const outcomes = await Promise.allSettled([
      jam.refreshTokenPair(refreshToken),
      jam.refreshTokenPair(refreshToken),
    ]);
    expect(outcomes.map((o) => o.status)).to.deep.equal(['rejected', 'rejected']);
    for (const o of outcomes)
      expect((o as PromiseRejectedResult).reason).to.include({ code: 'ERR_JWT_REVOKED' });
    await rejectsWith(jam.verifyJwtToken(accessToken), 'ERR_JWT_REVOKED');
  });

  it('type refresh tokens refresh+jwt in the header (RFC 8725 §3.11), and check the type on both sides', async () => {
    const jam = new Jam({ jwt: { secretKey: SECRET, list: { type: 'black' } } });
    const { accessToken, refreshToken } = await jam.genTokenPair({ sub: 'u1' });
    expect(decodeSegment(accessToken, 0)).to.deep.equal({ alg: 'HS256', typ: 'JWT' });
    expect(decodeSegment(refreshToken, 0)).to.deep.equal({ alg: 'HS256', typ: 'refresh+jwt' });
    // An independent verifier that checks typ, as RFC 8725 advises, takes the access token and not the other.
    const key = new TextEncoder().encode(SECRET);
    expect((await jwtVerify(accessToken, key, { typ: 'JWT' })).payload).to.include({ sub: 'u1' });
    const refused = await jwtVerify(refreshToken, key, { typ: 'JWT' }).catch((err: unknown) => err);
    expect(refused).to.have.property('code', 'ERR_JWT_CLAIM_VALIDATION_FAILED');

    // Well signed, but type and token_use disagree: refused either way.
    const now = Math.floor(Date.now() / 1000);
    const refreshClaims = { ...decodeSegment(refreshToken, 1), jti: 'other' };
    const untyped = craftToken({ alg: 'HS256', typ: 'JWT' }, refreshClaims, SECRET);
    await rejectsWith(jam.refreshTokenPair(untyped), 'ERR_JWT_INVALID');
    const typedAccess = craftToken(
      { alg: 'HS256', typ: 'refresh+jwt' },
      { sub: 'u1', exp: now + 60 },
      SECRET,
    );
    await rejectsWith(jam.verifyJwtToken(typedAccess), 'ERR_JWT_INVALID');
    await rejectsWith(jam.refreshTokenPair(typedAccess), 'ERR_JWT_INVALID');
    const typedUpper = craftToken({ alg: 'HS256', typ: 'REFRESH+JWT' }, { sub: 'u1', exp: now + 60 }, SECRET);
    await rejectsWith(jam.verifyJwtToken(typedUpper), 'ERR_JWT_INVALID');
    // A genuine refresh token still refreshes.
    expect(await jam.refreshTokenPair(refreshToken)).to.have.keys('accessToken', 'refreshToken');
  });

  it('validate refreshExpire', () => {
    expect(() => new Jam({ jwt: { secretKey: SECRET, refreshExpire: 0 } })).to.throw('jwt.refreshExpire');
  });
});
