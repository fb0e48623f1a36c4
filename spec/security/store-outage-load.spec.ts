import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import jsonwebtoken from 'jsonwebtoken';
import { startAppProcess, type AppProcess } from '../helpers/app-process.js';
import { driveLoad } from '../helpers/load.js';
import { redisOrSkip } from '../helpers/redis-or-skip.js';
import type { RedisServer } from '../../test-support/redis-server.js';
import { HardenedClient, type Answer, type Credentials } from './hardened-client.js';

const WORKER = join(__dirname, 'hardened-app-worker.js');
const USERS = 12;
const OUTAGE_AFTER_MS = 1500;
const OUTAGE_MS = 3000;
const AFTER_RESTART_MS = 4000;
// Paced: 6 loops of at most one request per 4 ms (≤ 1,500/s) whatever the machine's speed, so requests keep
// flowing through the whole window after the restart; the cap is only a safety net, far above duration × rate.
const LOAD = {
  concurrency: 6,
  intervalMs: 4,
  durationMs: OUTAGE_AFTER_MS + OUTAGE_MS + AFTER_RESTART_MS,
  maxSteps: 100_000,
};

/** A credential the load sends, and whether it may ever be answered 200. */
interface Probe {
  kind: 'session' | 'deleted session' | 'forged session' | 'jwt' | 'revoked jwt' | 'forged jwt';
  valid: boolean;
  send(client: HardenedClient): Promise<Answer>;
}

interface Sent extends Answer {
  probe: Probe;
  start: number;
  end: number;
}

describe('security: a Redis outage under load (sessions and a black list)', function () {
  this.timeout(60_000);
  let redis: RedisServer;
  let app: AppProcess | undefined;
  let client: HardenedClient;

  before(async function () {
    // Durable, like a production Redis: what was written before the outage must be there after it.
    redis = await redisOrSkip(this, { durable: true });
    app = await startAppProcess(WORKER, [JSON.stringify({ storeUrl: redis.url })]);
    client = new HardenedClient(app.url);
  });
  after(async () => {
    await app?.stop();
    await redis?.stop();
  });

  it('answers 503 while Redis is down, lets no one in, recovers by itself, and loses nothing', async () => {
    const logins: Credentials[] = [];
    for (let i = 0; i < USERS; i++) logins.push(await client.login(`user-${i}`));
    const [kept, ended] = [logins.slice(0, USERS / 2), logins.slice(USERS / 2)];
    for (const { sessionId, accessToken } of ended) {
      expect((await client.logout(sessionId)).status).to.equal(204);
      expect((await client.revoke(accessToken)).status).to.equal(204);
    }
    const forgedJwt = jsonwebtoken.sign(
      { sub: 'user-0', exp: Math.floor(Date.now() / 1000) + 60 },
      'x'.repeat(32),
    );
    const forgedSession = `s1.${Buffer.alloc(52, 1).toString('base64url')}`;
    const probes: Probe[] = [
      ...kept.flatMap((c): Probe[] => [
        { kind: 'session', valid: true, send: (cl) => cl.sessionMe(c.sessionId) },
        { kind: 'jwt', valid: true, send: (cl) => cl.jwtMe(c.accessToken) },
      ]),
      ...ended.flatMap((c): Probe[] => [
        { kind: 'deleted session', valid: false, send: (cl) => cl.sessionMe(c.sessionId) },
        { kind: 'revoked jwt', valid: false, send: (cl) => cl.jwtMe(c.accessToken) },
      ]),
      { kind: 'forged session', valid: false, send: (cl) => cl.sessionMe(forgedSession) },
      { kind: 'forged jwt', valid: false, send: (cl) => cl.jwtMe(forgedJwt) },
    ];

    const sent: Sent[] = [];
    const outage = { stoppedAt: 0, restartAt: 0, startedAt: 0 };
    const outageDone = (async () => {
      await sleep(OUTAGE_AFTER_MS);
      await redis.stop();
      outage.stoppedAt = Date.now();
      await sleep(OUTAGE_MS);
      outage.restartAt = Date.now();
      await redis.start();
      outage.startedAt = Date.now();
    })();
    const steps = await driveLoad(LOAD, async (i) => {
      const probe = probes[i % probes.length];
      const start = Date.now();
      const answer = await probe.send(client);
      sent.push({ ...answer, probe, start, end: Date.now() });
    });
    await outageDone;

    const during = sent.filter((s) => s.start > outage.stoppedAt && s.end < outage.restartAt);
    const afterRestart = sent.filter((s) => s.start > outage.startedAt);
    const recovered = (kind: Probe['kind']) =>
      afterRestart.find((s) => s.probe.kind === kind && s.status === 200)?.end ?? Infinity;
    const recovery = {
      session: recovered('session') - outage.startedAt,
      jwt: recovered('jwt') - outage.startedAt,
    };
    const tally = (list: Sent[]) =>
      list.reduce<Record<string, number>>((counts, s) => {
        const key = `${s.probe.kind} ${s.status}`;
        counts[key] = (counts[key] ?? 0) + 1;
        return counts;
      }, {});
    console.log(
      `      ${steps} requests; Redis down ${outage.restartAt - outage.stoppedAt} ms; ` +
        `200 again ${recovery.session} ms (sessions) and ${recovery.jwt} ms (JWT) after Redis was back\n` +
        `      during the outage: ${JSON.stringify(tally(during))}`,
    );

    expect(app!.exit(), 'the app process exited').to.equal(undefined);
    expect(during.length, 'requests during the outage').to.be.greaterThan(50);
    expect(afterRestart.length, 'requests after the restart').to.be.greaterThan(50);
    expect(
      Math.max(...afterRestart.map((s) => s.start)) - outage.startedAt,
      'load until the end',
    ).to.be.greaterThan(AFTER_RESTART_MS / 2);
    for (const s of sent) {
      expect([200, 401, 503], `${s.probe.kind} answered ${s.status}`).to.include(s.status);
      if (!s.probe.valid) expect(s.status, `${s.probe.kind} let in`).not.to.equal(200);
    }
    for (const s of during) {
      // Forged credentials are refused before any store call; everything else needs the store.
      const expected = s.probe.kind.startsWith('forged') ? 401 : 503;
      expect([s.probe.kind, s.status]).to.deep.equal([s.probe.kind, expected]);
    }
    expect(recovery.session, 'sessions back within a few seconds').to.be.lessThan(5000);
    expect(recovery.jwt, 'JWT back within a few seconds').to.be.lessThan(5000);

    for (const { sessionId, accessToken } of kept) {
      expect((await client.sessionMe(sessionId)).status).to.equal(200);
      expect((await client.jwtMe(accessToken)).status).to.equal(200);
    }
    for (const { sessionId, accessToken } of ended) {
      expect(await client.sessionMe(sessionId)).to.include({ status: 401, reason: 'ERR_SESSION_NOT_FOUND' });
      expect(await client.jwtMe(accessToken)).to.include({ status: 401, reason: 'ERR_JWT_REVOKED' });
    }
  });
});
