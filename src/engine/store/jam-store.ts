import type Keyv from 'keyv';
import { JamError } from '../jam-error.js';
import { KeyedMutex } from './keyed-mutex.js';
import { MemoryStore } from './memory-store.js';

export interface JamStoreOptions {
  /** What the store is for, named in error messages ("session store", "revocation list store"). */
  purpose: string;
  /** A call that fails or does not answer within this many milliseconds counts as an outage. */
  timeoutMs: number;
  /** Prepended to every key, so several Jam features can share one Keyv. */
  prefix: string;
  /** Closed by close(): true for stores koa-jam opened from a URL, false for a Keyv the user passed in. */
  owned: boolean;
}

/**
 * The one store interface the engine uses, over a Keyv. Keyv answers `undefined` and emits `error` when its
 * backend is down, which would read as "no session" or "not revoked"; here every call is bounded in time
 * and an outage rejects with ERR_STORE_UNAVAILABLE instead.
 */
export class JamStore {
  readonly #keyv: Keyv;
  readonly #options: JamStoreOptions;
  readonly #inProcess: boolean;
  readonly #redis?: RedisAdapter;
  readonly #sqlite?: SqliteAdapter;

  constructor(keyv: Keyv, options: JamStoreOptions) {
    this.#keyv = keyv;
    this.#options = options;
    this.#inProcess = keyv.store instanceof MemoryStore;
    this.#redis = redisAdapter(keyv.store);
    this.#sqlite = sqliteAdapter(keyv.store);
    if (this.#redis) failClosed(this.#redis);
    keyv.throwOnErrors = true;
    // Errors surface as rejected calls; without a listener an `error` event would crash the process.
    keyv.on('error', () => {});
  }

  get keyv(): Keyv {
    return this.#keyv;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const stored = await this.#bounded('read', () => this.#keyv.get<unknown>(this.#options.prefix + key));
    return stored === undefined ? undefined : this.#decode<T>(stored);
  }

  /** Several keys in one store call where the store can (Redis MGET: one round trip when they share a slot). */
  async getMany<T>(keys: string[]): Promise<(T | undefined)[]> {
    // Keyv's fallback for stores without getMany would turn an outage into "absent" (Promise.allSettled).
    if (typeof this.#keyv.store.getMany !== 'function')
      return Promise.all(keys.map((key) => this.get<T>(key)));
    const full = keys.map((key) => this.#options.prefix + key);
    const stored = await this.#bounded('read', () => this.#keyv.getMany<unknown>(full));
    return stored.map((value) => (value === undefined ? undefined : this.#decode<T>(value)));
  }

  /** `value` must be JSON (the callers check it); `ttlMs` 0 keeps the entry until deleted or overwritten. */
  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    const encoded = encode(value);
    const stored = await this.#bounded('write', () =>
      this.#keyv.set(this.#options.prefix + key, encoded, wholeMs(ttlMs)),
    );
    if (stored === false)
      throw JamError.storeUnavailable(this.#options.purpose, 'write', 'the store refused the write');
  }

  async delete(key: string): Promise<void> {
    await this.#bounded('delete', () => this.#keyv.delete(this.#options.prefix + key));
  }

  /**
   * Writes `value` under `key` only if it is absent; true for the one caller that wrote it (`ttlMs` 0: kept
   * until deleted). Atomic across processes on Redis (SET NX) and SQLite (one conditional INSERT); on other
   * stores the calls are serialized within this process only.
   */
  claim(key: string, fractionalTtlMs: number, value: unknown = true): Promise<boolean> {
    const full = this.#options.prefix + key;
    const ttlMs = wholeMs(fractionalTtlMs);
    const { sqlite, redis } = { sqlite: this.#sqlite, redis: this.#redis };
    const encoded = encode(value);
    const expires = ttlMs > 0 ? Date.now() + ttlMs : undefined;
    return this.#bounded('claim', async () => {
      if (sqlite) {
        const stored = await this.#keyv.serializeData({ value: encoded, expires });
        const table = sqlite.opts.table;
        // Inserts, or takes over an entry that has expired (Keyv keeps `expires` in the JSON it stores).
        const rows = await sqlite.query(
          `INSERT INTO ${table}(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value ` +
            `WHERE json_extract(${table}.value, '$.expires') <= ? RETURNING key`,
          keyvKey(this.#keyv, full),
          stored,
          Date.now(),
        );
        return rows.length === 1;
      }
      if (redis) {
        const stored = await this.#keyv.serializeData({ value: encoded, expires });
        const client = await redis.getClient();
        const redisKey = redis.createKeyPrefix(keyvKey(this.#keyv, full), redis.namespace);
        const options = ttlMs > 0 ? { NX: true, PX: ttlMs } : { NX: true };
        return (await client.set(redisKey, stored as string, options)) === 'OK';
      }
      return mutexOf(this.#keyv).run(full, async () => {
        if ((await this.#keyv.get(full)) !== undefined) return false;
        return this.#keyv.set(full, encoded, ttlMs);
      });
    });
  }

  async close(): Promise<void> {
    if (this.#options.owned) await this.#keyv.disconnect().catch(() => undefined);
  }

  async #bounded<T>(operation: string, call: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      // koa-jam's in-process store answers at once; a timer per call would only cost time (~2 µs a request).
      if (this.#inProcess) return await call();
      const connecting = this.#connecting();
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              JamError.storeUnavailable(
                this.#options.purpose,
                operation,
                `no answer within ${this.#options.timeoutMs} ms`,
              ),
            ),
          this.#options.timeoutMs,
        );
      });
      return await Promise.race([connecting ? connecting.then(call) : call(), timeout]);
    } catch (err) {
      throw err instanceof JamError
        ? err
        : JamError.storeUnavailable(
            this.#options.purpose,
            operation,
            (err as Error)?.message ?? 'error',
            err,
          );
    } finally {
      clearTimeout(timer);
    }
  }

  /** undefined: not tried yet; null: connected once (node-redis reconnects by itself from then on). */
  #firstConnection: Promise<unknown> | undefined | null;

  /**
   * A Redis client handed in unconnected: @keyv/redis would start connecting on the first call, and calls made
   * meanwhile would fail. All calls wait for that one first connection instead (bounded by the timeout).
   */
  #connecting(): Promise<unknown> | undefined {
    const redis = this.#redis;
    if (redis === undefined || this.#firstConnection === null) return undefined;
    this.#firstConnection ??= redis.getClient().then(
      () => void (this.#firstConnection = null),
      (err) => {
        this.#firstConnection = undefined; // the next call tries again
        throw err;
      },
    );
    return this.#firstConnection;
  }

  /** What set() wrote; a value that is not JSON text was written before koa-jam encoded its values. */
  #decode<T>(stored: unknown): T {
    if (typeof stored !== 'string') return stored as T;
    try {
      return JSON.parse(stored) as T;
    } catch {
      return stored as T; // an earlier generation entry: a bare random string
    }
  }
}

/**
 * Values are stored as JSON text koa-jam writes itself, so what comes back does not depend on the Keyv's
 * serializer (Keyv's default one calls any `toJSON` member and revives `:base64:` strings as Buffers).
 */
function encode(value: unknown): string {
  return JSON.stringify(value);
}

/** TTLs come from seconds that may be fractional (`clockTolerance`, `ttl`); Redis takes only whole PX. */
function wholeMs(ttlMs: number): number {
  return Math.ceil(ttlMs);
}

/** The part of @keyv/redis's adapter JamStore needs (duck-typed: the adapter is an optional peer). */
interface RedisAdapter {
  namespace?: string;
  throwOnErrors?: boolean;
  throwOnConnectError?: boolean;
  getClient(): Promise<{ set(key: string, value: string, options: object): Promise<string | null> }>;
  createKeyPrefix(key: string, namespace?: string): string;
}

/** The part of @keyv/sqlite's adapter claim() needs. */
interface SqliteAdapter {
  opts: { dialect: string; table: string };
  query(sql: string, ...parameters: unknown[]): Promise<unknown[]>;
}

function sqliteAdapter(store: unknown): SqliteAdapter | undefined {
  const candidate = store as Partial<SqliteAdapter> | undefined;
  return candidate?.opts?.dialect === 'sqlite' && typeof candidate.query === 'function'
    ? (candidate as SqliteAdapter)
    : undefined;
}

function redisAdapter(store: unknown): RedisAdapter | undefined {
  const candidate = store as Partial<RedisAdapter> | undefined;
  return typeof candidate?.getClient === 'function' && typeof candidate.createKeyPrefix === 'function'
    ? (candidate as RedisAdapter)
    : undefined;
}

/**
 * @keyv/redis answers "absent" or "done" when a command fails (`throwOnErrors: false` is its default), so a
 * cluster that is down would read as "no session", "not revoked", "not locked". Whoever built the adapter,
 * koa-jam needs the error: both switches are turned on, for the stores it opens and for a Keyv handed in.
 */
function failClosed(redis: RedisAdapter): void {
  redis.throwOnErrors = true;
  redis.throwOnConnectError = true;
}

/** The key Keyv hands its adapter (Keyv's own namespace prefix, when it uses one). */
function keyvKey(keyv: Keyv, key: string): string {
  return keyv.useKeyPrefix && keyv.namespace ? `${keyv.namespace}:${key}` : key;
}

// One mutex per Keyv, so JamStores sharing a user's Keyv in this process also serialize their claims.
const mutexes = new WeakMap<Keyv, KeyedMutex>();

function mutexOf(keyv: Keyv): KeyedMutex {
  let mutex = mutexes.get(keyv);
  if (mutex === undefined) mutexes.set(keyv, (mutex = new KeyedMutex()));
  return mutex;
}
