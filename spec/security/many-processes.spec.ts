import { join } from 'node:path';
import { expect } from 'chai';
import { startAppProcess, type AppProcess } from '../helpers/app-process.js';
import { redisOrSkip } from '../helpers/redis-or-skip.js';
import type { RedisServer } from '../../test-support/redis-server.js';
import { HardenedClient } from './hardened-client.js';

const WORKER = join(__dirname, 'hardened-app-worker.js');
const PROCESSES = 3;

describe('security: several app processes sharing one Redis', function () {
  this.timeout(30_000);
  let redis: RedisServer;
  let apps: AppProcess[] = [];
  let clients: HardenedClient[];

  before(async function () {
    redis = await redisOrSkip(this);
    const options = JSON.stringify({ storeUrl: redis.url });
    apps = await Promise.all(Array.from({ length: PROCESSES }, () => startAppProcess(WORKER, [options])));
    clients = apps.map((app) => new HardenedClient(app.url));
  });
  after(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await redis?.stop();
  });
  afterEach(() => {
    for (const app of apps) expect(app.exit(), `app process ${app.pid}`).to.equal(undefined);
  });

  const statuses = async (answers: Promise<{ status: number }>[]) =>
    (await Promise.all(answers)).map((a) => a.status);

  it('a login on one process is valid on every process', async () => {
    const alice = await clients[0].login('alice');
    expect(await statuses(clients.map((c) => c.sessionMe(alice.sessionId)))).to.deep.equal([200, 200, 200]);
    expect(await statuses(clients.map((c) => c.jwtMe(alice.accessToken)))).to.deep.equal([200, 200, 200]);
  });

  it('a logout on one process is refused on every other at the next request', async () => {
    const alice = await clients[0].login('alice');
    expect(await statuses(clients.map((c) => c.sessionMe(alice.sessionId)))).to.deep.equal([200, 200, 200]);
    expect((await clients[1].logout(alice.sessionId)).status).to.equal(204);
    const after = await Promise.all(clients.map((c) => c.sessionMe(alice.sessionId)));
    expect(after.map((a) => [a.status, a.reason])).to.deep.equal(
      Array(PROCESSES).fill([401, 'ERR_SESSION_NOT_FOUND']),
    );
  });

  it('a revoked token is refused by every process at the next request, even from its verified-token cache', async () => {
    const alice = await clients[0].login('alice');
    for (let warm = 0; warm < 2; warm++) {
      expect(await statuses(clients.map((c) => c.jwtMe(alice.accessToken)))).to.deep.equal([200, 200, 200]);
    }
    expect((await clients[2].revoke(alice.accessToken)).status).to.equal(204);
    const after = await Promise.all(clients.map((c) => c.jwtMe(alice.accessToken)));
    expect(after.map((a) => [a.status, a.reason])).to.deep.equal(
      Array(PROCESSES).fill([401, 'ERR_JWT_REVOKED']),
    );
  });

  it('revokeSubject on one process refuses every token of that user on every process; later ones work', async () => {
    const first = await clients[0].login('frank');
    const second = await clients[1].login('frank');
    const grace = await clients[2].login('grace');
    for (let warm = 0; warm < 2; warm++) {
      for (const token of [first.accessToken, second.accessToken, grace.accessToken]) {
        expect(await statuses(clients.map((c) => c.jwtMe(token)))).to.deep.equal([200, 200, 200]);
      }
    }
    expect((await clients[1].revokeSubject('frank')).status).to.equal(204);
    for (const token of [first.accessToken, second.accessToken]) {
      const after = await Promise.all(clients.map((c) => c.jwtMe(token)));
      expect(after.map((a) => [a.status, a.reason])).to.deep.equal(
        Array(PROCESSES).fill([401, 'ERR_JWT_REVOKED']),
      );
    }
    expect((await clients[2].refresh(first.refreshToken)).status).to.equal(401);
    expect(await statuses(clients.map((c) => c.jwtMe(grace.accessToken)))).to.deep.equal([200, 200, 200]);
    // The cutoff is the second of the call (iat has seconds): a login in the next second works again.
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 50));
    const again = await clients[0].login('frank');
    expect(await statuses(clients.map((c) => c.jwtMe(again.accessToken)))).to.deep.equal([200, 200, 200]);
  });

  it('a clear on one process ends every session of that user on every process, and no one else’s', async () => {
    const sessions = await Promise.all(clients.map((c) => c.login('carol')));
    const dave = await clients[1].login('dave');
    expect((await clients[2].logoutEverywhere(sessions[0].sessionId)).status).to.equal(204);
    for (const { sessionId } of sessions) {
      expect(await statuses(clients.map((c) => c.sessionMe(sessionId)))).to.deep.equal([401, 401, 401]);
    }
    expect(await statuses(clients.map((c) => c.sessionMe(dave.sessionId)))).to.deep.equal([200, 200, 200]);
  });

  it('of many requests spending one refresh token at once on every process, exactly one wins', async () => {
    const perProcess = 4;
    for (let round = 0; round < 5; round++) {
      const erin = await clients[round % PROCESSES].login('erin');
      const answers = await Promise.all(
        clients.flatMap((c) => Array.from({ length: perProcess }, () => c.refresh(erin.refreshToken))),
      );
      const winners = answers.filter((a) => a.status === 200);
      expect(winners, `round ${round}`).to.have.length(1);
      for (const loser of answers.filter((a) => a.status !== 200)) {
        expect([loser.status, loser.reason]).to.deep.equal([401, 'ERR_JWT_REVOKED']);
      }
      // The losers presented a spent refresh token: reuse revokes the family, the winner's new pair included.
      const { accessToken, refreshToken } = winners[0].body as { accessToken: string; refreshToken: string };
      expect(await statuses(clients.map((c) => c.jwtMe(accessToken)))).to.deep.equal([401, 401, 401]);
      expect((await clients[0].refresh(refreshToken)).status).to.equal(401);
    }
  });
});
