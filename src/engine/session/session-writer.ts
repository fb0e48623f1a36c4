import type { Clock } from '../clock.js';
import { publish } from '../jam-events.js';
import type { JamStore } from '../store/jam-store.js';
import { newSessionId, tagOfSessionId } from './session-id.js';
import type { IndexOwner, SessionIndex } from './session-index.js';
import { handleOf, recordHash, recordKey, recordKeyOf } from './session-keys.js';
import { expiryOf, isRecord, type LoadedRecord, type SessionRecord } from './session-record.js';

/** A record is re-written (lastSeenAt, and a rolling one's expiry) once this share of its ttl has passed. */
const TOUCH_SHARE = 0.1;

/**
 * Writes session records in step with their index entries: a new record before its entry, and a later
 * expiry into the entry before the record (so the index never holds an expiry earlier than its record's).
 * Rewrites of existing records are compare-and-sets: a session ended meanwhile is never written back.
 */
export class SessionWriter {
  readonly #store: JamStore;
  readonly #index: SessionIndex;
  readonly #ttlMs: number;
  readonly #rolling: boolean;
  readonly #clock: Clock;

  constructor(store: JamStore, index: SessionIndex, ttlMs: number, rolling: boolean, clock: Clock) {
    this.#store = store;
    this.#index = index;
    this.#ttlMs = ttlMs;
    this.#rolling = rolling;
    this.#clock = clock;
  }

  /**
   * Stores a new session for a full ttl (created now, unless `record` says when: a reworked one), then lists
   * it; answers its id. Nothing stays when that fails.
   */
  async create(owner: IndexOwner, record: Omit<SessionRecord, 'w' | 'e' | 'x'>): Promise<Buffer> {
    const now = this.#clock.now();
    const written: SessionRecord = { c: now, ...record, w: now, ...this.#expiry(now + this.#ttlMs) };
    const id = newSessionId(owner.tag);
    await this.#store.set(recordKey(id), written, this.#ttlMs);
    let pushedOut: string[];
    try {
      pushedOut = await this.#index.add(owner, recordHash(id), written.x!);
    } catch (err) {
      // Unlisted, the session could not be ended from a list of devices: it must not exist.
      await this.#store.delete(recordKey(id)).catch(() => undefined);
      throw err;
    }
    await this.#endPushedOut(owner, pushedOut);
    return id;
  }

  /** New data and a full ttl; false when the session is gone. */
  async update(loaded: LoadedRecord, d: SessionRecord['d']): Promise<boolean> {
    const now = this.#clock.now();
    const expiry = await this.#announce(loaded, now + this.#ttlMs);
    return this.#rewrite(loaded, (current) => ({ ...current, d, w: now, ...expiry }), now);
  }

  /**
   * Marks the session seen, once a tenth of the ttl has passed since its last write: a rolling one gets a
   * new ttl, another keeps its expiry. An index update about once per ttl for a rolling one.
   */
  async touch(loaded: LoadedRecord): Promise<void> {
    const now = this.#clock.now();
    if (now - loaded.record.w < this.#ttlMs * TOUCH_SHARE) return;
    const expires = this.#rolling ? now + this.#ttlMs : expiryOf(loaded.record, this.#ttlMs);
    if (expires <= now) return;
    const expiry = await this.#announce(loaded, expires);
    await this.#rewrite(
      loaded,
      (current) => (this.#rolling ? { ...current, w: now, ...expiry } : { ...current, w: now }),
      now,
    );
  }

  /** The expiry fields of a record written now: its expiry, and the later one its index entry gets. */
  #expiry(expires: number): Pick<SessionRecord, 'e' | 'x'> {
    // A ttl of slack: a rolling session re-announces about once per ttl, not at each touch; and a process
    // whose clock runs ahead does not drop a live session from the index.
    return { e: expires, x: expires + this.#ttlMs };
  }

  /** Announces `expires` to the index when the record's entry holds an earlier one. */
  async #announce(loaded: LoadedRecord, expires: number): Promise<Pick<SessionRecord, 'e' | 'x'>> {
    const { id, record } = loaded;
    if (record.x !== undefined && record.x >= expires) return { e: expires, x: record.x };
    const expiry = this.#expiry(expires);
    await this.#index.extend({ tag: tagOfSessionId(id) }, recordHash(id), expiry.x!);
    return expiry;
  }

  /**
   * Ends the sessions a create pushed out of the index (session.maxPerKey). The new session stands either way:
   * a delete that fails leaves an older session unlisted until its expiry or the next clearSessions.
   */
  async #endPushedOut(owner: IndexOwner, hashes: string[]): Promise<void> {
    await Promise.all(
      hashes.map(async (hash) => {
        await this.#store.delete(recordKeyOf(owner.tag, hash)).catch(() => undefined);
        publish('session.ended', () => ({
          ...(owner.sessionKey !== undefined && { sessionKey: owner.sessionKey }),
          session: handleOf(hash),
          reason: 'limit',
        }));
      }),
    );
  }

  /** A compare-and-set of the record (on Redis, Redis Cluster and SQLite); false when it is gone. */
  #rewrite(
    loaded: LoadedRecord,
    change: (current: SessionRecord) => SessionRecord,
    now: number,
  ): Promise<boolean> {
    return this.#store.update<unknown, boolean>(loaded.storeKey, (current) => {
      if (!isRecord(current)) return { result: false };
      const next = change(current);
      const ttlMs = expiryOf(next, this.#ttlMs) - now;
      return ttlMs > 0 ? { result: true, next: { value: next, ttlMs } } : { result: false };
    });
  }
}
