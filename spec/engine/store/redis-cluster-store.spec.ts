import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import KeyvRedis, { createCluster } from '@keyv/redis';
import Keyv from 'keyv';
import { Jam, JamError, generateOtpSecret, type JamConfig } from 'koa-jam';
import { eventually } from '../../helpers/eventually.js';
import { SECRET } from '../../helpers/keys.js';
import { redisClusterOrSkip } from '../../helpers/redis-or-skip.js';
import type { RedisCluster } from '../../../test-support/redis-cluster.js';

const STORE_TIMEOUT = 500;
const SESSION_KEYS = 24;

/** Keyv's documented way to use a cluster, as a user writes it: an adapter over createCluster, not yet connected. */
function userClusterKeyv(cluster: RedisCluster): Keyv {
  const client = createCluster({
    rootNodes: cluster.ports.map((port) => ({ url: `redis://127.0.0.1:${port}` })),
  });
  return new Keyv({ store: new KeyvRedis(client), useKeyPrefix: false });
}

/** A Jam with every store on `store`: sessions, a black list (with token pairs) and OTP. */
function jamOn(store: string | Keyv): Jam {
  const config: JamConfig = {
    session: { store, storeTimeout: STORE_TIMEOUT },
    jwt: { secretKey: SECRET, list: { type: 'black', store, storeTimeout: STORE_TIMEOUT } },
    otp: { store, storeTimeout: STORE_TIMEOUT, maxAttempts: 3 },
  };
  return new Jam(config);
}

/** What a call answered: its value, or the code of the JamError it rejected with. */
async function outcome(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    (value) => ({ value }),
    (err: unknown) => ({ code: err instanceof JamError ? err.code : String(err) }),
  );
}

for (const form of ['a Keyv over @keyv/redis createCluster', 'a redis+cluster:// URL'] as const) {
  describe(`Redis Cluster as ${form}`, function () {
    this.timeout(60_000);
    let cluster: RedisCluster;
    let jam: Jam;
    let keyv: Keyv | undefined;
    before(async function () {
      cluster = await redisClusterOrSkip(this);
    });
    beforeEach(() => {
      keyv = form === 'a redis+cluster:// URL' ? undefined : userClusterKeyv(cluster);
      jam = jamOn(keyv ?? cluster.url);
    });
    afterEach(async () => {
      await jam?.close();
      await keyv?.disconnect().catch(() => undefined);
    });
    after(async () => cluster?.stop());

    it('handed over before it connected, it loses no write: 50 concurrent sessions and 30 revocations all hold', async () => {
      // Each feature on a store of its own that no call has connected yet (an encryptionKey: no tag key to read first).
      const storeOf = () => (keyv ? userClusterKeyv(cluster) : cluster.url);
      const [sessions, list] = [storeOf(), storeOf()];
      await jam.close();
      jam = new Jam({
        session: { store: sessions, storeTimeout: STORE_TIMEOUT, encryptionKey: randomBytes(32) },
        jwt: { secretKey: SECRET, list: { type: 'black', store: list, storeTimeout: STORE_TIMEOUT } },
      });
      const tokens = await Promise.all(
        Array.from({ length: 30 }, (_, i) => jam.genJwtToken(jam.makePayload({ sub: `u${i}` }))),
      );
      await Promise.all(tokens.map((token) => jam.revokeJwtToken(token)));
      const ids = await Promise.all(
        Array.from({ length: 50 }, (_, i) => jam.createSession(`user-${i}`, { i })),
      );
      const read = await Promise.all(ids.map((id) => jam.getSession(id)));
      expect(read).to.deep.equal(ids.map((_, i) => ({ i })));
      const verified = await Promise.all(tokens.map((token) => outcome(jam.verifyJwtToken(token))));
      expect(verified).to.deep.equal(tokens.map(() => ({ code: 'ERR_JWT_REVOKED' })));
      for (const store of [sessions, list]) if (store instanceof Keyv) await store.disconnect();
    });

    it('a master down, then the cluster failed: every call is right or ERR_STORE_UNAVAILABLE, never wrong; it recovers by itself', async () => {
      const ids = await Promise.all(
        Array.from({ length: SESSION_KEYS }, (_, i) => jam.createSession(`user-${i}`, { i })),
      );
      const revoked = await jam.genJwtToken(jam.makePayload({ sub: 'gone' }));
      await jam.revokeJwtToken(revoked);
      const secret = generateOtpSecret();
      const used = jam.getOtpCode(secret);
      expect(await jam.verifyOtpCode(secret, used, { sessionKey: 'otp-user' })).to.equal(true);

      await cluster.stopNode(1);
      try {
        // Some slots are down at once; within about a second the cluster declares itself failed.
        for (let round = 0; round < 3; round++) {
          const reads = await Promise.all(ids.map((id) => outcome(jam.getSession(id))));
          reads.forEach((read, i) =>
            expect([{ value: { i } }, { code: 'ERR_STORE_UNAVAILABLE' }], `session ${i}`).to.deep.include(
              read,
            ),
          );
          expect([{ code: 'ERR_JWT_REVOKED' }, { code: 'ERR_STORE_UNAVAILABLE' }]).to.deep.include(
            await outcome(jam.verifyJwtToken(revoked)),
          );
          const replay = (await outcome(jam.checkOtpCode(secret, used, { sessionKey: 'otp-user' }))) as {
            value?: { valid: boolean; error?: JamError };
            code?: string;
          };
          // Each refused replay counts as a failure: after maxAttempts the principal is locked.
          if (replay.value)
            expect(replay.value.error?.code).to.be.oneOf(['ERR_OTP_REPLAYED', 'ERR_OTP_LOCKED']);
          else expect(replay.code).to.equal('ERR_STORE_UNAVAILABLE');
          await new Promise((resolve) => setTimeout(resolve, 700));
        }
        // Once failed, every node refuses: nothing reads as absent.
        const failed = await eventually(async () => {
          const reads = await Promise.all(ids.map((id) => outcome(jam.getSession(id))));
          if (!reads.every((read) => (read as { code?: string }).code === 'ERR_STORE_UNAVAILABLE')) {
            throw new Error('the cluster has not declared itself failed yet');
          }
          return reads;
        }, 10_000);
        expect(failed).to.have.length(SESSION_KEYS);
        expect(await outcome(jam.revokeJwtToken(await jam.genJwtToken(jam.makePayload({}))))).to.deep.equal({
          code: 'ERR_STORE_UNAVAILABLE',
        });
      } finally {
        await cluster.startNode(1);
      }
      // The restarted master lost its data (no persistence); the others kept theirs, and new calls work.
      const fresh = await eventually(() => jam.createSession('after', { back: true }), 15_000);
      expect(await eventually(() => jam.getSession(fresh), 15_000)).to.deep.equal({ back: true });
      await eventually(() => jam.getSession(ids[0]), 15_000);
    });
  });
}

describe('jam.close() on a redis+cluster:// store', () => {
  it('closes the cluster connections it opened, even right after construction, so the process exits by itself', async function () {
    this.timeout(60_000);
    const cluster = await redisClusterOrSkip(this);
    try {
      const script = `
        const { Jam } = require('koa-jam');
        const closeAtOnce = new Jam({ session: { store: ${JSON.stringify(cluster.url)} } });
        const used = new Jam({ session: { store: ${JSON.stringify(cluster.url)} } });
        closeAtOnce.close()
          .then(() => used.createSession('alice', { user: 1 }))
          .then(() => used.close())
          .then(() => console.log('closed'));`;
      const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
      expect(run.signal, 'still running after 20 s').to.equal(null);
      expect(run.stdout.trim()).to.equal('closed');
    } finally {
      await cluster.stop();
    }
  });
});
