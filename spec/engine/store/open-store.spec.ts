import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { expect } from 'chai';
import { isJamError, Jam } from 'koa-jam';
import { redisOrSkip } from '../../helpers/redis-or-skip.js';
import type { RedisServer } from '../../../test-support/redis-server.js';

/**
 * A process that opens a Jam on `url`, calls close() `closeAfterMs` later and then does nothing: it exits by
 * itself only when close() released every connection. With `stopFirst`, that redis-server is stopped between
 * the two (the client is then reconnecting). Killed by pid when it has not exited within 10 s.
 */
async function exitsAfterClose(
  url: string,
  closeAfterMs: number,
  stopFirst?: RedisServer,
): Promise<number | null> {
  const script = `
    const { Jam } = require(${JSON.stringify(require.resolve('koa-jam'))});
    const store = process.argv[1];
    process.stdin.once('data', () => {
      const jam = new Jam({ session: { store }, jwt: { secretKey: 'x'.repeat(32), list: { type: 'black', store } } });
      setTimeout(() => process.stdout.write('opened\\n'), ${closeAfterMs});
      process.stdin.once('end', () => jam.close());
    });
  `;
  const child = spawn(process.execPath, ['-e', script, url], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  child.stdin.write('open\n');
  if (closeAfterMs > 0) await once(child.stdout, 'data');
  if (stopFirst) await stopFirst.stop();
  child.stdin.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const [code] = await exited;
  clearTimeout(timer);
  return code as number | null;
}

describe('stores opened from a URL', () => {
  let redis: RedisServer;
  before(async function () {
    redis = await redisOrSkip(this);
  });
  after(() => redis?.stop());

  it('close() releases a redis:// connection while it is still being made, made, or retried', async function () {
    this.timeout(60_000);
    // 0 ms: the first connection is under way when close() runs; 300 ms: connected.
    expect(await exitsAfterClose(redis.url, 0), 'closed while connecting').to.equal(0);
    expect(await exitsAfterClose(redis.url, 300), 'closed when connected').to.equal(0);
    const down = 'redis://127.0.0.1:1';
    expect(await exitsAfterClose(down, 0), 'closed while the first connection fails').to.equal(0);
    expect(await exitsAfterClose(down, 300), 'closed between retries').to.equal(0);
    expect(await exitsAfterClose(redis.url, 300, redis), 'closed while reconnecting').to.equal(0);
  });

  it('refuses to use a Redis that may evict its keys (maxmemory with a policy other than noeviction)', async () => {
    const config = (...args: string[]) =>
      expect(spawnSync('redis-cli', ['-p', String(redis.port), 'config', 'set', ...args]).status).to.equal(0);
    const sessionsWork = async () => {
      const jam = new Jam({ session: { store: redis.url } });
      try {
        return await jam.createSession('alice', {}).then(
          () => true,
          (err: unknown) => err,
        );
      } finally {
        await jam.close();
      }
    };
    await redis.start(); // the test above stopped it
    try {
      config('maxmemory', '100mb');
      for (const policy of ['allkeys-lru', 'volatile-lru', 'allkeys-random']) {
        config('maxmemory-policy', policy);
        const err = await sessionsWork();
        expect(isJamError(err, 'ERR_STORE_UNAVAILABLE'), String(err)).to.equal(true);
        expect((err as Error).message).to.contain(`maxmemory-policy ${policy}`);
      }
      config('maxmemory-policy', 'noeviction');
      expect(await sessionsWork()).to.equal(true);
      config('maxmemory', '0', 'maxmemory-policy', 'allkeys-lru'); // no limit: nothing is ever evicted
      expect(await sessionsWork()).to.equal(true);
    } finally {
      config('maxmemory', '0', 'maxmemory-policy', 'noeviction');
    }
  });
});
