import {
  redisClusterAvailable,
  startRedisCluster,
  type RedisCluster,
} from '../../test-support/redis-cluster.js';
import {
  redisAvailable,
  startRedis,
  type RedisServer,
  type RedisServerOptions,
} from '../../test-support/redis-server.js';

/**
 * Skips the calling suite with a printed reason when `available` is false. Under CI=true that fails instead:
 * CI must never skip the Redis specs silently.
 */
function skipUnless(suite: Mocha.Context, available: boolean, reason: string): void {
  if (available) return;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${reason}`);
  console.log(`      (skipped: ${reason})`);
  suite.skip();
}

/** Starts a redis-server for the calling suite, or skips it when redis-server is not installed. */
export async function redisOrSkip(suite: Mocha.Context, options?: RedisServerOptions): Promise<RedisServer> {
  skipUnless(suite, redisAvailable, 'redis-server is not installed (apt-get install -y redis-server)');
  return startRedis(options);
}

/** Starts a 3-master Redis Cluster for the calling suite, or skips it as redisOrSkip does. */
export async function redisClusterOrSkip(suite: Mocha.Context): Promise<RedisCluster> {
  skipUnless(
    suite,
    redisClusterAvailable,
    'redis-server or redis-cli is not installed (apt-get install -y redis-server redis-tools)',
  );
  return startRedisCluster();
}
