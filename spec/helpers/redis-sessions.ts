import { Jam, type SessionOptions } from 'koa-jam';
import { redisOrSkip } from './redis-or-skip.js';
import type { RedisServer } from '../../test-support/redis-server.js';

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
