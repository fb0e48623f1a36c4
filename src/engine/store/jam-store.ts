import type Keyv from 'keyv';
import { StoreEvents } from './store-events.js';
import { JamError } from '../jam-error.js';
import { KeyedMutex } from './keyed-mutex.js';
import { MemoryStore } from './memory-store.js';
import { redisAdapter, sharedEntries, type RedisAdapter, type SharedEntries } from './shared-entries.js';
import { systemClock } from '../clock.js';

export interface JamStoreOptions {
  /** The config section it serves (`session`, `jwt.list`, `otp`), named in events. */
  name: string;
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
  readonly #shared?: SharedEntries;
  readonly #events: StoreEvents;

  constructor(keyv: Keyv, options: JamStoreOptions) {
    this.#keyv = keyv;
    this.#options = options;
    this.#inProcess = keyv.store instanceof MemoryStore;
    this.#redis = redisAdapter(keyv.store);
    this.#shared = sharedEntries(keyv);
    if (this.#redis) failClosed(this.#redis);
    this.#events = new StoreEvents(options.name, !this.#inProcess);
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
    const full = this.#options.prefix + key;
    // Where update() is serialized in this process only, a delete waits its turn too, so an update in flight
    // cannot write back what was just deleted.
    const remove = () => this.#keyv.delete(full);
    await this.#bounded('delete', () => (this.#shared ? remove() : mutexOf(this.#keyv).run(full, remove)));
  }

  /**
   * Writes `value` under `key` only if it is absent; true for the one caller that wrote it (`ttlMs` 0: kept
   * until deleted). Atomic across processes on Redis, Redis Cluster and SQLite; on other stores the calls are
   * serialized within this process only.
   */
  claim(key: string, fractionalTtlMs: number, value: unknown = true): Promise<boolean> {
    const full = this.#options.prefix + key;
    const ttlMs = wholeMs(fractionalTtlMs);
    const shared = this.#shared;
    return this.#bounded('claim', async () => {
      if (shared) return shared.claim(full, await this.#pack(value, ttlMs), ttlMs);
      return mutexOf(this.#keyv).run(full, async () => {
        if ((await this.#keyv.get(full)) !== undefined) return false;
        return this.#keyv.set(full, encode(value), ttlMs);
      });
    });
  }

  /**
   * A read-modify-write of one entry: `change` gets the current value and answers what to write, if anything,
   * and the result. Atomic across processes on Redis, Redis Cluster and SQLite (the write is a compare-and-set;
   * when another process changed the entry in between, `change` runs again on what it wrote); on other
   * stores serialized within this process only. `change` must be free of side effects.
   */
  update<T, R>(key: string, change: (current: T | undefined) => EntryChange<R>): Promise<R> {
    const full = this.#options.prefix + key;
    const shared = this.#shared;
    const deadline = systemClock.now() + this.#options.timeoutMs;
    return this.#bounded('update', () =>
      mutexOf(this.#keyv).run(full, async () => {
        if (!shared) {
          const stored = await this.#keyv.get<unknown>(full);
          const { result, next } = change(stored === undefined ? undefined : this.#decode<T>(stored));
          if (next) await this.#keyv.set(full, encode(next.value), wholeMs(next.ttlMs));
          return result;
        }
        // Each round that loses the compare-and-set lost to a write that did land: the retries end.
        while (systemClock.now() <= deadline) {
          const raw = await shared.read(full);
          const { result, next } = change(raw === undefined ? undefined : await this.#unpack<T>(raw));
          if (!next) return result;
          const ttlMs = wholeMs(next.ttlMs);
          if (await shared.compareAndSet(full, raw, await this.#pack(next.value, ttlMs), ttlMs))
            return result;
        }
        throw new Error('the entry kept changing');
      }),
    );
  }

  async close(): Promise<void> {
    if (this.#options.owned) await this.#keyv.disconnect().catch(() => undefined);
  }

  /** Every store call passes here: bounded in time, traced and watched for outages (store-events.ts). */
  #bounded<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return this.#events.run(operation, () => this.#timed(operation, call));
  }

  async #timed<T>(operation: string, call: () => Promise<T>): Promise<T> {
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

  /**
   * What Keyv would store for `value`: its serialized `{ value, expires }` around koa-jam's JSON. Keyv and the
   * shared backends expire entries on the real time, whatever clock the Jam instance reads.
   */
  async #pack(value: unknown, ttlMs: number): Promise<string> {
    const expires = ttlMs > 0 ? systemClock.now() + ttlMs : undefined;
    return (await this.#keyv.serializeData({ value: encode(value), expires })) as string;
  }

  /** The value of text read past Keyv, or undefined when it has expired (Keyv would not return it). */
  async #unpack<T>(raw: string): Promise<T | undefined> {
    const data = (await this.#keyv.deserializeData(raw)) as { value?: unknown; expires?: number } | undefined;
    if (typeof data?.expires === 'number' && data.expires <= systemClock.now()) return undefined;
    return this.#decode<T>(data?.value);
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

/** What an update writes (nothing when `next` is absent) and what it answers. */
export interface EntryChange<R> {
  result: R;
  next?: { value: unknown; ttlMs: number };
}

/** TTLs come from seconds that may be fractional (`clockTolerance`, `ttl`); Redis takes only whole PX. */
function wholeMs(ttlMs: number): number {
  return Math.ceil(ttlMs);
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

// One mutex per Keyv, so JamStores sharing a user's Keyv in this process also serialize their claims.
const mutexes = new WeakMap<Keyv, KeyedMutex>();

function mutexOf(keyv: Keyv): KeyedMutex {
  let mutex = mutexes.get(keyv);
  if (mutex === undefined) mutexes.set(keyv, (mutex = new KeyedMutex()));
  return mutex;
}
