import type Keyv from 'keyv';
import { systemClock } from '../clock.js';
import { JamError } from '../jam-error.js';
import { AtomicEntries, type EntryChange } from './atomic-entries.js';
import { BoundedCalls, type BoundedCallsOptions } from './bounded-calls.js';
import { decode, encode, wholeMs } from './stored-values.js';

export interface JamStoreOptions extends BoundedCallsOptions {
  /** Prepended to every key, so several Jam features can share one Keyv. */
  prefix: string;
  /** Closed by close(): true for stores koa-jam opened from a URL, false for a Keyv the user passed in. */
  owned: boolean;
}

/**
 * The one store interface the engine uses, over a Keyv: every call bounded in time, an outage an
 * ERR_STORE_UNAVAILABLE (bounded-calls.ts), values stored as koa-jam's own JSON (stored-values.ts), and
 * claim/update atomic across processes where the store allows it (atomic-entries.ts).
 */
export class JamStore {
  readonly #keyv: Keyv;
  readonly #options: JamStoreOptions;
  readonly #calls: BoundedCalls;
  readonly #entries: AtomicEntries;

  constructor(keyv: Keyv, options: JamStoreOptions) {
    this.#keyv = keyv;
    this.#options = options;
    this.#calls = new BoundedCalls(keyv, options);
    this.#entries = new AtomicEntries(keyv);
  }

  get keyv(): Keyv {
    return this.#keyv;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const stored = await this.#calls.run('read', () => this.#keyv.get<unknown>(this.#options.prefix + key));
    return stored === undefined ? undefined : decode<T>(stored);
  }

  /** Several keys in one store call where the store can (Redis MGET: one round trip when they share a slot). */
  async getMany<T>(keys: string[]): Promise<(T | undefined)[]> {
    // Keyv's fallback for stores without getMany would turn an outage into "absent" (Promise.allSettled).
    if (typeof this.#keyv.store.getMany !== 'function')
      return Promise.all(keys.map((key) => this.get<T>(key)));
    const full = keys.map((key) => this.#options.prefix + key);
    const stored = await this.#calls.run('read', () => this.#keyv.getMany<unknown>(full));
    return stored.map((value) => (value === undefined ? undefined : decode<T>(value)));
  }

  /** `value` must be JSON (the callers check it); `ttlMs` 0 keeps the entry until deleted or overwritten. */
  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    const encoded = encode(value);
    const stored = await this.#calls.run('write', () =>
      this.#keyv.set(this.#options.prefix + key, encoded, wholeMs(ttlMs)),
    );
    if (stored === false)
      throw JamError.storeUnavailable(this.#options.purpose, 'write', 'the store refused the write');
  }

  async delete(key: string): Promise<void> {
    await this.#calls.run('delete', () => this.#entries.delete(this.#options.prefix + key));
  }

  /**
   * Writes `value` under `key` only if it is absent; true for the one caller that wrote it (`ttlMs` 0: kept
   * until deleted). Atomic across processes on Redis, Redis Cluster and SQLite; on other stores the calls are
   * serialized within this process only.
   */
  claim(key: string, fractionalTtlMs: number, value: unknown = true): Promise<boolean> {
    const full = this.#options.prefix + key;
    return this.#calls.run('claim', () => this.#entries.claim(full, value, wholeMs(fractionalTtlMs)));
  }

  /**
   * A read-modify-write of one entry: `change` gets the current value and answers what to write, if anything,
   * and the result. Atomic across processes on Redis, Redis Cluster and SQLite (the write is a compare-and-set;
   * when another process changed the entry in between, `change` runs again on what it wrote); on other
   * stores serialized within this process only. `change` must be free of side effects.
   */
  update<T, R>(key: string, change: (current: T | undefined) => EntryChange<R>): Promise<R> {
    const deadline = systemClock.now() + this.#options.timeoutMs;
    return this.#calls.run('update', () =>
      this.#entries.update(this.#options.prefix + key, change, deadline),
    );
  }

  async close(): Promise<void> {
    if (this.#options.owned) await this.#keyv.disconnect().catch(() => undefined);
  }
}
