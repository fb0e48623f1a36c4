import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { expect } from 'chai';
import { Jam } from 'koa-jam';
import { redisOrSkip } from '../../helpers/redis-or-skip.js';
import type { RedisServer } from '../../../test-support/redis-server.js';
import type { Created, Timed } from '../../helpers/session-race-worker.js';

const WORKER = join(__dirname, '../../helpers/session-race-worker.js');

/** Starts a worker process; resolves to its result lines once `go` (its start signal) is called. */
function worker(url: string, role: 'create' | 'clear', key: string) {
  const child = spawn(process.execPath, [WORKER, url, role, key], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const output: string[] = [];
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  lines.on('line', (line) => (line === 'ready' ? ready() : output.push(line)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    isReady,
    go: (at: number) => child.stdin!.write(`${at}\n`),
    result: async <T>(): Promise<T> => {
      expect(await exited, `${role} worker exit code`).to.equal(0);
      return JSON.parse(output.at(-1)!) as T;
    },
  };
}

describe('clearSessions across processes sharing one Redis', function () {
  this.timeout(20_000);
  let redis: RedisServer;
  before(async function () {
    redis = await redisOrSkip(this);
  });
  after(async () => redis?.stop());

  it('ends every session created before it, while another process keeps creating', async () => {
    const key = 'raced-user';
    const creator = worker(redis.url, 'create', key);
    const clearer = worker(redis.url, 'clear', key);
    await Promise.all([creator.isReady, clearer.isReady]);
    const startAt = Date.now() + 100;
    creator.go(startAt);
    clearer.go(startAt);
    const [created, clears] = [await creator.result<Created[]>(), await clearer.result<Timed[]>()];

    const jam = new Jam({ session: { store: redis.url, storeTimeout: 10_000 } });
    try {
      const alive: boolean[] = [];
      for (const s of created) alive.push((await jam.getSession(s.id)) !== null);
      const lastClear = clears.at(-1)!;
      const lastClearStart = Math.max(...clears.map((c) => c.start));
      const before = created.filter((s) => s.end < lastClearStart);
      const after = created.filter((s) => s.start > lastClear.end);
      // The race is real: many creates, several clears, sessions on both sides of them.
      expect(clears.length).to.be.at.least(3);
      expect(before.length).to.be.at.least(20);
      expect(after.length).to.be.at.least(1);
      created.forEach((s, i) => {
        if (s.end < lastClearStart)
          expect(alive[i], 'a session created before a clear survived it').to.equal(false);
        if (s.start > lastClear.end)
          expect(alive[i], 'a session created after the last clear').to.equal(true);
      });
    } finally {
      await jam.close();
    }
  });
});
