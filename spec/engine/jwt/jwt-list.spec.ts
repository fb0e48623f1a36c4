import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
import { Jam, JamError } from 'koa-jam';
import { freezeClock } from '../../helpers/clock.js';
import { eventually } from '../../helpers/eventually.js';
import { SECRET } from '../../helpers/keys.js';
import { REDIS_KIND, useListJams } from '../../helpers/list-jams.js';
import { STORE_KINDS } from '../../helpers/store-kinds.js';
import type { RedisServer } from '../../../test-support/redis-server.js';
import { rejectsWith } from '../../helpers/errors.js';
import { craftToken, decodeSegment } from '../../helpers/tokens.js';

const LIST_PREFIX = 'jam:jwt-list:';

for (const kind of STORE_KINDS) {
  describe(`jwt.list on ${kind.name}`, () => {
    const jams = useListJams(kind);
    const jamWith = jams.jamWith;

    describe('black', () => {
      it('refuses a revoked token, even when it is in the verified-token cache', async () => {
        const jam = jamWith('black');
        const token = await jam.genJwtToken(jam.makePayload({ sub: 'u1' }));
        const other = await jam.genJwtToken(jam.makePayload({ sub: 'u2' }));
        expect(await jam.verifyJwtToken(token)).to.include({ sub: 'u1' });
        await jam.revokeJwtToken(token);
        const { hits, misses } = jam.jwtCacheStats()!;
        await rejectsWith(jam.verifyJwtToken(token), 'ERR_JWT_REVOKED');
        // The refusal came after a cache hit: the signature was not checked again.
        expect(jam.jwtCacheStats()).to.include({ hits: hits + 1, misses });
        expect(await jam.verifyJwtToken(other)).to.include({ sub: 'u2' });
        expect(await jam.verifyJwtToken(token, { checkList: false })).to.include({ sub: 'u1' });
      });

      if (kind.name === 'Redis') {
        it('keys the entry by jti and lets it expire with the token', async () => {
          const jam = jamWith('black', { clockTolerance: 5 });
          const payload = jam.makePayload({}, { exp: 60 });
          await jam.revokeJwtToken(await jam.genJwtToken(payload));
          const [entry, ...more] = redisCli(
            jams.redis!,
            '--scan',
            '--pattern',
            `*${LIST_PREFIX}jti:${payload.jti}`,
          );
          expect(more).to.deep.equal([]);
          expect(Number(redisCli(jams.redis!, 'pttl', entry)[0])).to.be.within(60_000, 65_000);
        });
      }

      it('never lists a token it did not sign', async () => {
        const jam = jamWith('black');
        const forged = craftToken({ alg: 'HS256', typ: 'JWT' }, jam.makePayload({}), 'another-secret');
        const { redis } = jams;
        const before = redis && redisCli(redis, 'dbsize');
        await rejectsWith(jam.revokeJwtToken(forged), 'ERR_JWT_INVALID');
        if (redis) expect(redisCli(redis, 'dbsize')).to.deep.equal(before);
      });

      it('revokes an ordinary token alone, even when its data has a fam claim', async () => {
        const jam = jamWith('black');
        const [a, b] = await Promise.all(
          [1, 2].map(() => jam.genJwtToken(jam.makePayload({ fam: 'smith' }))),
        );
        await jam.revokeJwtToken(a);
        await rejectsWith(jam.verifyJwtToken(a), 'ERR_JWT_REVOKED');
        expect(await jam.verifyJwtToken(b)).to.include({ fam: 'smith' });
      });

      it('refuses a token without jti, which could never be revoked', async () => {
        const jam = jamWith('black');
        const { jti: _jti, ...noJti } = jam.makePayload({});
        const token = await jam.genJwtToken(noJti);
        await rejectsWith(jam.verifyJwtToken(token), 'ERR_JWT_INVALID');
        expect(await jam.verifyJwtToken(token, { checkList: false })).to.deep.equal(noJti);
      });
    });

    describe('white', () => {
      it('accepts only the tokens it recorded, until they are revoked', async () => {
        const jam = jamWith('white');
        const token = await jam.genJwtToken(jam.makePayload({ sub: 'u1' }));
        expect(await jam.verifyJwtToken(token)).to.include({ sub: 'u1' });
        // Same key, but never recorded: a white list refuses it (Jam's Starlette check was inverted).
        const unlisted = await new Jam({ jwt: { secretKey: SECRET } }).genJwtToken(jam.makePayload({}));
        await rejectsWith(jam.verifyJwtToken(unlisted), 'ERR_JWT_REVOKED');
        await jam.revokeJwtToken(token);
        await rejectsWith(jam.verifyJwtToken(token), 'ERR_JWT_REVOKED');
      });

      it('refuses to record a token without jti or exp', async () => {
        const jam = jamWith('white');
        await rejectsWith(jam.genJwtToken({ sub: 'u1', jti: 'x' }), 'ERR_JWT_INVALID');
        const { jti: _jti, ...noJti } = jam.makePayload({});
        await rejectsWith(jam.genJwtToken(noJti), 'ERR_JWT_INVALID');
      });
    });

    if (kind.name === 'Redis') {
      it('is shared by every instance on the same store (one per process in production)', async () => {
        const a = jamWith('black');
        const b = jamWith('black');
        const token = await a.genJwtToken(a.makePayload({}));
        expect(await b.verifyJwtToken(token)).to.have.property('jti');
        await a.revokeJwtToken(token);
        await rejectsWith(b.verifyJwtToken(token), 'ERR_JWT_REVOKED');
        const white = jamWith('white');
        const recorded = await white.genJwtToken(white.makePayload({}));
        expect(await jamWith('white').verifyJwtToken(recorded)).to.have.property('jti');
      });

      it('close() closes a store it opened from a URL, never a Keyv passed in', async () => {
        const owner = new Jam({
          jwt: { secretKey: SECRET, list: { type: 'black', store: jams.redis!.url } },
        });
        const token = await owner.genJwtToken(owner.makePayload({}));
        await owner.verifyJwtToken(token);
        await owner.close();
        await rejectsWith(owner.verifyJwtToken(token), 'ERR_STORE_UNAVAILABLE');

        const keyv = new Keyv(new KeyvRedis(jams.redis!.url));
        try {
          const borrower = new Jam({ jwt: { secretKey: SECRET, list: { type: 'black', store: keyv } } });
          const { refreshToken } = await borrower.genTokenPair({});
          await borrower.refreshTokenPair(refreshToken);
          await borrower.close();
          // The atomic spend wrote the key and format the Keyv reads (koa-jam's JSON text, which no Keyv
          // serializer changes), under the Keyv's own namespace.
          const { jti } = decodeSegment(refreshToken, 1);
          expect(await keyv.get(`${LIST_PREFIX}spent:${jti}`)).to.equal('true');
        } finally {
          await keyv.disconnect();
        }
      });
    }
  });
}

describe('jwt.list', () => {
  it('expires an entry with its token (and clockTolerance), so the list never grows without bound', async () => {
    const clock = freezeClock();
    try {
      const store = new Keyv();
      const jam = new Jam({ jwt: { secretKey: SECRET, clockTolerance: 5, list: { type: 'black', store } } });
      const payload = jam.makePayload({}, { exp: 60 });
      const token = await jam.genJwtToken(payload);
      await jam.revokeJwtToken(token);
      const entry = `${LIST_PREFIX}jti:${payload.jti}`;
      clock.tick(64_999);
      expect(await store.get(entry)).not.to.equal(undefined);
      await rejectsWith(jam.verifyJwtToken(token), 'ERR_JWT_REVOKED'); // within clockTolerance
      clock.tick(2);
      expect(await store.get(entry)).to.equal(undefined);
      await rejectsWith(jam.verifyJwtToken(token), 'ERR_JWT_EXPIRED');
    } finally {
      clock.uninstall();
    }
  });

  it('reads the entries an earlier koa-jam wrote before it encoded its values (a bare 1, true)', async () => {
    const store = new Keyv();
    const jam = new Jam({ jwt: { secretKey: SECRET, list: { type: 'black', store } } });
    const payload = jam.makePayload({});
    const token = await jam.genJwtToken(payload);
    await store.set(`${LIST_PREFIX}jti:${payload.jti}`, 1, 60_000);
    await rejectsWith(jam.verifyJwtToken(token), 'ERR_JWT_REVOKED');
  });

  it('does nothing for an already expired token', async () => {
    const store = new Keyv();
    const jam = new Jam({ jwt: { secretKey: SECRET, list: { type: 'black', store } } });
    const now = Math.floor(Date.now() / 1000);
    await jam.revokeJwtToken(await jam.genJwtToken({ jti: 'old', iat: now - 20, exp: now - 10 }));
    expect(await store.get(`${LIST_PREFIX}jti:old`)).to.equal(undefined);
  });

  it('checkList does not fail when no list is configured (a flaw of Jam), and revoking needs a list', async () => {
    const jam = new Jam({ jwt: { secretKey: SECRET } });
    const token = await jam.genJwtToken(jam.makePayload({}));
    expect(await jam.verifyJwtToken(token, { checkList: true })).to.have.property('jti');
    await rejectsWith(jam.revokeJwtToken(token), 'ERR_CONFIG');
  });

  it('validates its options at construction', () => {
    const bad: unknown[] = [
      { type: 'grey' },
      {},
      { type: 'black', store: 42 },
      { type: 'black', store: 'memcached://x' },
      { type: 'black', storeTimeout: 0 },
      { type: 'black', ttl: 5 },
      'black',
    ];
    for (const list of bad) {
      expect(() => new Jam({ jwt: { secretKey: SECRET, list: list as never } }), JSON.stringify(list))
        .to.throw(JamError)
        .with.property('code', 'ERR_CONFIG');
    }
  });
});

describe('jwt.list store outage', () => {
  const jams = useListJams(REDIS_KIND);

  it('fails closed while the store is down, cached or not, then recovers', async () => {
    const jam = jams.jamWith('black', {}, 500);
    const redis = jams.redis!;
    const cached = await jam.genJwtToken(jam.makePayload({ sub: 'cached' }));
    await jam.verifyJwtToken(cached);
    const fresh = await jam.genJwtToken(jam.makePayload({ sub: 'fresh' }));
    await redis.stop();
    // Keyv alone would answer undefined here: "not revoked". A revoked token must never pass on an outage.
    const err = await rejectsWith(jam.verifyJwtToken(cached), 'ERR_STORE_UNAVAILABLE');
    expect(err.status).to.equal(503);
    await rejectsWith(jam.verifyJwtToken(fresh), 'ERR_STORE_UNAVAILABLE');
    await rejectsWith(jam.revokeJwtToken(fresh), 'ERR_STORE_UNAVAILABLE');
    await redis.start();
    expect(await eventually(() => jam.verifyJwtToken(fresh), 5000)).to.include({ sub: 'fresh' });
    await jam.revokeJwtToken(fresh);
    await rejectsWith(jam.verifyJwtToken(fresh), 'ERR_JWT_REVOKED');
  });
});

/** redis-cli's output lines. */
function redisCli(redis: RedisServer, ...args: string[]): string[] {
  const { stdout } = spawnSync('redis-cli', ['-p', String(redis.port), ...args], { encoding: 'utf8' });
  return stdout.trim().split('\n');
}
