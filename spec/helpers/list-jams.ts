import type { Jam, JwtListOptions, JwtOptions } from 'koa-jam';
import { SECRET } from './keys.js';
import type { RedisServer } from '../../test-support/redis-server.js';
import { STORE_KINDS, jamsOnStore, type StoreKind } from './store-kinds.js';

export interface ListJams {
  /** A Jam (HS256, SECRET) with a list of `type` on the suite's store; closed after the suite. */
  jamWith(type: JwtListOptions['type'], extra?: JwtOptions, storeTimeout?: number): Jam;
  /** The suite's own redis-server; undefined on other stores. */
  readonly redis: RedisServer | undefined;
  /** The `store` option of the suite's store (a URL; undefined in memory). */
  readonly store: string | undefined;
  /** Lets time pass on the suite's store (the frozen clock of memory and SQLite, real time on Redis). */
  advance(ms: number): Promise<void>;
}

export const REDIS_KIND = STORE_KINDS.find((kind) => kind.name === 'Redis')!;

/** Registers before/after hooks in the calling suite that open the store `kind` and close what it opened. */
export function useListJams(kind: StoreKind): ListJams {
  const shared = jamsOnStore(kind);
  return {
    get redis() {
      return shared.sut?.redis;
    },
    get store() {
      return shared.sut?.store;
    },
    advance: (ms) => shared.sut.advance(ms),
    jamWith(type, extra = {}, storeTimeout) {
      return shared.open((store) => {
        const list = { type, store, ...(storeTimeout === undefined ? {} : { storeTimeout }) };
        return { jwt: { secretKey: SECRET, list, ...extra } };
      });
    },
  };
}
