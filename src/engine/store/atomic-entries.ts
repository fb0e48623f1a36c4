import type Keyv from 'keyv';
import { systemClock } from '../clock.js';
import { KeyedMutex } from './keyed-mutex.js';
import { sharedEntries, type SharedEntries } from './shared-entries.js';
import { decode, encode, pack, unpack, wholeMs } from './stored-values.js';

/** What an update writes (nothing when `next` is absent) and what it answers. */
export interface EntryChange<R> {
  result: R;
  next?: { value: unknown; ttlMs: number };
}

/**
 * The read-modify-write operations of a JamStore on full keys: atomic across processes where the store has
 * atomic commands (Redis, Redis Cluster, SQLite: shared-entries.ts), serialized within this process otherwise.
 * Bounding them in time is the caller's (JamStore).
 */
export class AtomicEntries {
  readonly #keyv: Keyv;
  readonly #shared?: SharedEntries;
  readonly #mutex: KeyedMutex;

  constructor(keyv: Keyv) {
    this.#keyv = keyv;
    this.#shared = sharedEntries(keyv);
    this.#mutex = mutexOf(keyv);
  }

  /** Writes `value` only if `key` is absent; true for the one caller that wrote it. `ttlMs` is whole. */
  claim(key: string, value: unknown, ttlMs: number): Promise<boolean> {
    const shared = this.#shared;
    if (shared) return pack(this.#keyv, value, ttlMs).then((stored) => shared.claim(key, stored, ttlMs));
    return this.#mutex.run(key, async () => {
      if ((await this.#keyv.get(key)) !== undefined) return false;
      return this.#keyv.set(key, encode(value), ttlMs);
    });
  }

  /**
   * `change` gets the current value and answers what to write, if anything, and the result. On a shared
   * store the write is a compare-and-set: when another process changed the entry in between, `change` runs
   * again on what it wrote, until `deadline` (ms).
   */
  update<T, R>(
    key: string,
    change: (current: T | undefined) => EntryChange<R>,
    deadline: number,
  ): Promise<R> {
    const shared = this.#shared;
    return this.#mutex.run(key, async () => {
      if (!shared) {
        const stored = await this.#keyv.get<unknown>(key);
        const { result, next } = change(stored === undefined ? undefined : decode<T>(stored));
        if (next) await this.#keyv.set(key, encode(next.value), wholeMs(next.ttlMs));
        return result;
      }
      // Each round that loses the compare-and-set lost to a write that did land: the retries end.
      while (systemClock.now() <= deadline) {
        const raw = await shared.read(key);
        const { result, next } = change(raw === undefined ? undefined : await unpack<T>(this.#keyv, raw));
        if (!next) return result;
        const ttlMs = wholeMs(next.ttlMs);
        if (await shared.compareAndSet(key, raw, await pack(this.#keyv, next.value, ttlMs), ttlMs))
          return result;
      }
      throw new Error('the entry kept changing');
    });
  }

  /**
   * Where update() is serialized in this process only, a delete waits its turn too, so an update in flight
   * cannot write back what was just deleted.
   */
  delete(key: string): Promise<boolean> {
    const remove = () => this.#keyv.delete(key);
    return this.#shared ? remove() : this.#mutex.run(key, remove);
  }
}

// One mutex per Keyv, so JamStores sharing a user's Keyv in this process also serialize their claims.
const mutexes = new WeakMap<Keyv, KeyedMutex>();

function mutexOf(keyv: Keyv): KeyedMutex {
  let mutex = mutexes.get(keyv);
  if (mutex === undefined) mutexes.set(keyv, (mutex = new KeyedMutex()));
  return mutex;
}
