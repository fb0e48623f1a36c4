import { setTimeout as sleep } from 'node:timers/promises';
import { Jam, type SessionOptions } from 'koa-jam';
import { redisOrSkip, type RedisServer } from './redis-server.js';

export interface RedisSessions {
  redis: RedisServer;
  /** Instances sharing the Redis, as processes behind a load balancer would. */
  jams: Jam[];
}

/** For the calling suite: a real Redis and `count` Jam instances keeping sessions in it, all closed after it. */
export function useRedisSessions(count = 1, session: SessionOptions = {}): RedisSessions {
  const shared = { jams: [] } as unknown as RedisSessions;
  before(async function () {
    shared.redis = await redisOrSkip(this);
    for (let i = 0; i < count; i++) {
      shared.jams.push(new Jam({ session: { store: shared.redis.url, storeTimeout: 300, ...session } }));
    }
  });
  after(async () => {
    await Promise.all(shared.jams.splice(0).map((jam) => jam.close()));
    await shared.redis?.stop();
  });
  return shared;
}

/** Retries `call` until it resolves: a Redis client reconnects with a back-off of at most 2 s. */
export async function eventually<T>(call: () => Promise<T>, withinMs = 8000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}
