import type Keyv from 'keyv';
import { systemClock } from '../clock.js';

/**
 * Atomic operations on the raw entries of a store that processes share, done with the store's own atomic
 * commands: Redis and Redis Cluster (SET NX, a compare-and-set script on one key) and SQLite (one conditional
 * statement each). Keys are JamStore's full keys; values the text Keyv stores (its serialized `{ value, expires }`).
 */
export interface SharedEntries {
  /** Writes `stored` only if `key` is absent or expired; true for the one caller that wrote it. */
  claim(key: string, stored: string, ttlMs: number): Promise<boolean>;
  /** The stored text, or undefined when there is none (an expired entry is returned as it is). */
  read(key: string): Promise<string | undefined>;
  /** Replaces `expected` (undefined: no entry) with `next`; false when the entry changed since it was read. */
  compareAndSet(key: string, expected: string | undefined, next: string, ttlMs: number): Promise<boolean>;
}

/** The part of @keyv/redis's adapter koa-jam uses (duck-typed: the adapter is an optional peer). */
export interface RedisAdapter {
  namespace?: string;
  throwOnErrors?: boolean;
  throwOnConnectError?: boolean;
  getClient(): Promise<RedisClient>;
  createKeyPrefix(key: string, namespace?: string): string;
}

interface RedisClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options: object): Promise<string | null>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** The part of @keyv/sqlite's adapter koa-jam uses. */
interface SqliteAdapter {
  opts: { dialect: string; table: string };
  query(sql: string, ...parameters: unknown[]): Promise<{ value?: string }[]>;
}

export function redisAdapter(store: unknown): RedisAdapter | undefined {
  const candidate = store as Partial<RedisAdapter> | undefined;
  return typeof candidate?.getClient === 'function' && typeof candidate.createKeyPrefix === 'function'
    ? (candidate as RedisAdapter)
    : undefined;
}

/** The store's atomic operations, or undefined for stores that have none koa-jam knows (memory, others). */
export function sharedEntries(keyv: Keyv): SharedEntries | undefined {
  const redis = redisAdapter(keyv.store);
  if (redis) return redisEntries(redis, keyv);
  const sqlite = keyv.store as Partial<SqliteAdapter> | undefined;
  if (sqlite?.opts?.dialect === 'sqlite' && typeof sqlite.query === 'function')
    return sqliteEntries(sqlite as SqliteAdapter, keyv);
  return undefined;
}

/** Sets KEYS[1] to ARGV[2] (PX ARGV[3] unless 0) only while it still holds ARGV[1] ('' for no entry). */
const COMPARE_AND_SET = `
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
if ARGV[3] == '0' then redis.call('SET', KEYS[1], ARGV[2]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1`;

function redisEntries(redis: RedisAdapter, keyv: Keyv): SharedEntries {
  const keyOf = (key: string) => redis.createKeyPrefix(keyvKey(keyv, key), redis.namespace);
  return {
    async claim(key, stored, ttlMs) {
      const options = ttlMs > 0 ? { NX: true, PX: ttlMs } : { NX: true };
      return (await (await redis.getClient()).set(keyOf(key), stored, options)) === 'OK';
    },
    async read(key) {
      return (await (await redis.getClient()).get(keyOf(key))) ?? undefined;
    },
    async compareAndSet(key, expected, next, ttlMs) {
      const args = [expected ?? '', next, String(ttlMs)];
      const client = await redis.getClient();
      return (await client.eval(COMPARE_AND_SET, { keys: [keyOf(key)], arguments: args })) === 1;
    },
  };
}

function sqliteEntries(sqlite: SqliteAdapter, keyv: Keyv): SharedEntries {
  const table = sqlite.opts.table;
  return {
    async claim(key, stored) {
      // Inserts, or takes over an entry that has expired (Keyv keeps `expires` in the JSON it stores).
      const rows = await sqlite.query(
        `INSERT INTO ${table}(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value ` +
          `WHERE json_extract(${table}.value, '$.expires') <= ? RETURNING key`,
        keyvKey(keyv, key),
        stored,
        systemClock.now(),
      );
      return rows.length === 1;
    },
    async read(key) {
      const rows = await sqlite.query(`SELECT value FROM ${table} WHERE key = ?`, keyvKey(keyv, key));
      return rows[0]?.value ?? undefined;
    },
    async compareAndSet(key, expected, next) {
      // Keyv's SQLite adapter keeps expiry in the value only (`expires`), so the TTL travels inside `next`.
      const rows =
        expected === undefined
          ? await sqlite.query(
              `INSERT INTO ${table}(key, value) VALUES(?, ?) ON CONFLICT(key) DO NOTHING RETURNING key`,
              keyvKey(keyv, key),
              next,
            )
          : await sqlite.query(
              `UPDATE ${table} SET value = ? WHERE key = ? AND value = ? RETURNING key`,
              next,
              keyvKey(keyv, key),
              expected,
            );
      return rows.length === 1;
    },
  };
}

/** The key Keyv hands its adapter (Keyv's own namespace prefix, when it uses one). */
function keyvKey(keyv: Keyv, key: string): string {
  return keyv.useKeyPrefix && keyv.namespace ? `${keyv.namespace}:${key}` : key;
}
