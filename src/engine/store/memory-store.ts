import { systemClock, type Clock } from '../clock.js';

interface Entry {
  value: unknown;
  /** Milliseconds since the epoch, or Infinity. */
  expiresAt: number;
}

/** Small, frequent slices: a million entries cost a few milliseconds per sweep, a full pass per minute. */
const SWEEP_INTERVAL_MS = 250;
const MIN_SWEEP_BATCH = 250;
/** Every entry is looked at at least once per this many sweeps, whatever the size. */
const SWEEPS_PER_PASS = 240;

/**
 * The default in-process Keyv store. A plain Map only forgets an expired entry when it is read again, so
 * abandoned sessions would pile up forever; here an unref'd timer sweeps a bounded slice of the entries
 * four times a second, resuming where it stopped, and `disconnect()` (called by Keyv, hence by `jam.close()`) stops it.
 */
export class MemoryStore {
  readonly #entries = new Map<string, Entry>();
  #cursor: MapIterator<[string, Entry]> | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #clock: Clock;
  /** Keyv assigns a namespace to its store; keys arrive already prefixed, so it is unused. */
  namespace: string | undefined;

  constructor(clock: Clock = systemClock) {
    this.#clock = clock;
    this.#timer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.#timer.unref();
  }

  /** Entries held, expired ones not yet swept included. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value, or undefined when absent or expired. */
  get(key: string): unknown {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#clock.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Lets Keyv read a session's record and generation in one call. */
  getMany(keys: string[]): unknown[] {
    return keys.map((key) => this.get(key));
  }

  /** Stores `value`, for `ttlMs` milliseconds when given. */
  set(key: string, value: unknown, ttlMs?: number): boolean {
    // Deleted first so that the entry moves to the end of the sweep order.
    this.#entries.delete(key);
    this.#entries.set(flatten(key), {
      value: typeof value === 'string' ? flatten(value) : value,
      expiresAt: ttlMs ? this.#clock.now() + ttlMs : Infinity,
    });
    return true;
  }

  /** Removes one entry; true when it was there. */
  delete(key: string): boolean {
    return this.#entries.delete(key);
  }

  /** Removes every entry. */
  clear(): void {
    this.#entries.clear();
    this.#cursor = undefined;
  }

  /** Drops expired entries from a slice of the map; returns how many it dropped. */
  sweep(now = this.#clock.now()): number {
    const budget = Math.max(MIN_SWEEP_BATCH, Math.ceil(this.#entries.size / SWEEPS_PER_PASS));
    let dropped = 0;
    for (let seen = 0; seen < budget; seen++) {
      this.#cursor ??= this.#entries.entries();
      const next = this.#cursor.next();
      if (next.done) {
        this.#cursor = undefined;
        break;
      }
      const [key, entry] = next.value;
      if (entry.expiresAt <= now) {
        this.#entries.delete(key); // deleting behind a live Map iterator is safe
        dropped++;
      }
    }
    return dropped;
  }

  /** Stops the sweep timer. */
  disconnect(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * V8 keeps a string built piece by piece (Keyv's serializer appends with +=) as a rope of small nodes, several
 * hundred bytes per session record; reading a character makes it one flat block. Measured on a session
 * record: about 1,350 bytes per entry as ropes, under 500 flattened.
 */
function flatten(text: string): string {
  text.charCodeAt(0);
  return text;
}
