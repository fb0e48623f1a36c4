import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Jam, type JamConfig } from 'koa-jam';
import { freezeClock } from './clock.js';
import { redisClusterOrSkip, redisOrSkip } from './redis-or-skip.js';
import type { RedisServer } from '../../test-support/redis-server.js';

/** One store as a shared spec sees it: the `store` option to give Jam, and a way to let time pass. */
export interface StoreUnderTest {
  /** undefined: Jam's default in-memory store. */
  store: string | undefined;
  /** Memory and SQLite expire by Date (frozen clock); Redis by its own clock, so real time passes. */
  advance(ms: number): Promise<void>;
  redis?: RedisServer;
  /** The ports of the Redis processes behind the store (one, or the cluster's masters). */
  redisPorts?: number[];
  close(): Promise<void>;
}

export interface StoreKind {
  name: string;
  open(suite: Mocha.Context): Promise<StoreUnderTest>;
}

function frozen(store: string | undefined, cleanup = () => {}): StoreUnderTest {
  const clock = freezeClock(Date.now());
  return {
    store,
    advance: async (ms) => void clock.tick(ms),
    close: async () => {
      clock.uninstall();
      cleanup();
    },
  };
}

/** Every spec that takes a store runs once per kind: one spec, several stores. */
export const STORE_KINDS: StoreKind[] = [
  { name: 'memory', open: async () => frozen(undefined) },
  {
    name: 'SQLite',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'koa-jam-sqlite-'));
      return frozen(`sqlite://${join(dir, 'store.sqlite')}`, () =>
        rmSync(dir, { recursive: true, force: true }),
      );
    },
  },
  {
    name: 'Redis',
    open: async (suite) => {
      const redis = await redisOrSkip(suite);
      return {
        store: redis.url,
        advance: (ms) => sleep(ms),
        redis,
        redisPorts: [redis.port],
        close: () => redis.stop(),
      };
    },
  },
  {
    name: 'Redis Cluster',
    open: async (suite) => {
      suite.timeout(Math.max(suite.timeout(), 30_000));
      const cluster = await redisClusterOrSkip(suite);
      return {
        store: cluster.url,
        advance: (ms) => sleep(ms),
        redisPorts: cluster.ports,
        close: () => cluster.stop(),
      };
    },
  },
];

/**
 * Registers before/after hooks in the calling suite: they open the store `kind`, then close every Jam `open`
 * made on it, then the store.
 */
export function jamsOnStore(kind: StoreKind) {
  let sut: StoreUnderTest | undefined;
  const jams: Jam[] = [];
  before(async function () {
    sut = await kind.open(this);
  });
  after(async () => {
    await Promise.all(jams.map((jam) => jam.close()));
    await sut?.close();
  });
  return {
    /** The suite's store, once the suite's `before` has run. */
    get sut(): StoreUnderTest {
      return sut!;
    },
    /** A Jam of `config(store)`, with `store` the suite's `store` option. */
    open(config: (store: string | undefined) => JamConfig): Jam {
      const jam = new Jam(config(sut!.store));
      jams.push(jam);
      return jam;
    },
  };
}
