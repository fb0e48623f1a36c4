import { hash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { JamStore } from './jam-store.js';

/** Why take() found nothing: never put (or gone from the store), taken by another caller, or expired. */
export type TakeRefusal = 'unknown' | 'spent' | 'expired';

/** What take() found: the value, or why there is none. */
export type Taken<T> = { value: T } | { refused: TakeRefusal };

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/**
 * Short-lived entries taken at most once, such as OAuth2 login transactions and passkey challenges. Each is
 * stored under the hash of a secret the client holds, so a dump of the store holds nothing that can still be
 * answered; of several callers taking one entry, even in several processes, only the one that wins the
 * store's atomic claim gets it; and it expires by the time it was put, since stores expire entries on their
 * own clocks.
 */
export class SingleUseEntries<T> {
  readonly #store: JamStore;
  readonly #kind: string;
  readonly #ttlMs: number;
  readonly #clock: Clock;

  /** @param kind the key prefix of these entries in the store (`tx`, `challenge`). */
  constructor(store: JamStore, kind: string, ttlMs: number, clock: Clock) {
    this.#store = store;
    this.#kind = kind;
    this.#ttlMs = ttlMs;
    this.#clock = clock;
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  async put(secret: string, value: T): Promise<void> {
    const entry: Entry<T> = { value, expiresAt: this.#clock.now() + this.#ttlMs };
    await this.#store.set(`${this.#kind}:${digest(secret)}`, entry, this.#ttlMs);
  }

  /** The entry, removed: `unknown` (never put, or gone), `spent` (another caller took it) or `expired`. */
  async take(secret: string): Promise<Taken<T>> {
    const digested = digest(secret);
    const key = `${this.#kind}:${digested}`;
    const entry = await this.#store.get<Entry<T>>(key);
    if (entry === undefined) return { refused: 'unknown' };
    // Racing callers may all read it; exactly one claims it. A refused attempt has used it up too.
    if (!(await this.#store.claim(`${this.#kind}:taken:${digested}`, this.#ttlMs)))
      return { refused: 'spent' };
    await this.#store.delete(key);
    return this.#clock.now() >= entry.expiresAt ? { refused: 'expired' } : { value: entry.value };
  }
}

/** Store keys are hashes: a dump of the store holds no secret a client could still present. */
function digest(secret: string): string {
  return hash('sha256', secret, 'base64url');
}
