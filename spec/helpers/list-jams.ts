import { Jam, type JwtListOptions, type JwtOptions } from 'koa-jam';
import { SECRET } from './keys.js';
import { redisOrSkip, type RedisServer } from './redis-server.js';

export interface ListJams {
  /** A Jam (HS256, SECRET) with a list of `type` on the suite's store; closed after the suite. */
  jamWith(type: JwtListOptions['type'], extra?: JwtOptions, storeTimeout?: number): Jam;
  /** The suite's own redis-server; undefined on memory. */
  readonly redis: RedisServer | undefined;
}

/** Registers before/after hooks in the calling suite: a real redis-server for 'redis', nothing for 'memory'. */
export function useListJams(backend: 'memory' | 'redis'): ListJams {
  let redis: RedisServer | undefined;
  const opened: Jam[] = [];
  before(async function () {
    if (backend === 'redis') redis = await redisOrSkip(this);
  });
  after(async () => {
    await Promise.all(opened.map((jam) => jam.close()));
    await redis?.stop();
  });
  return {
    get redis() {
      return redis;
    },
    jamWith(type, extra = {}, storeTimeout) {
      const list = { type, store: redis?.url, ...(storeTimeout === undefined ? {} : { storeTimeout }) };
      const jam = new Jam({ jwt: { secretKey: SECRET, list, ...extra } });
      opened.push(jam);
      return jam;
    },
  };
}
