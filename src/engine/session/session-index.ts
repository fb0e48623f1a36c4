import { publish } from '../jam-events.js';
import type { Clock } from '../clock.js';
import type { JamStore } from '../store/jam-store.js';
import { handleOf, indexKey } from './session-keys.js';

/** A session key's index: each session's record hash → the expiry (ms) the index holds for it. */
export type IndexEntries = Record<string, number>;

/** Whose index: the tag of a session key, and the session key itself where the caller knows it (for events). */
export interface IndexOwner {
  tag: Buffer;
  sessionKey?: string;
}

/**
 * The sessions of one session key, for listSessions: one entry `i:{<tag>}` (in the key's Redis Cluster slot)
 * holding record hashes, never ids. It changes only through JamStore.update, a compare-and-set on Redis, Redis
 * Cluster and SQLite, so creates, lists and ends in several processes lose none of each other's changes.
 * Each hash maps to an expiry no earlier than its record's (writers announce a later one before they write it
 * into a record): an entry past it has certainly expired and is dropped by the next change without a read, and
 * the index entry itself expires with its last session. It never holds more than `session.maxPerKey`
 * entries: each change reads and writes it whole.
 */
export class SessionIndex {
  readonly #store: JamStore;
  readonly #clock: Clock;
  readonly #maxEntries: number;

  constructor(store: JamStore, clock: Clock, maxEntries: number) {
    this.#store = store;
    this.#clock = clock;
    this.#maxEntries = maxEntries;
  }

  /** The entries not yet past their expiry. */
  async read(tag: Buffer): Promise<IndexEntries> {
    return unexpired(await this.#store.get<unknown>(indexKey(tag)), this.#clock.now()).entries;
  }

  /**
   * Lists a new session. Beyond the limit, the entries that expire first (the oldest sessions) leave the
   * index: answers those, for the caller to end.
   */
  async add(owner: IndexOwner, hash: string, until: number): Promise<string[]> {
    return this.#change(owner, (entries) => {
      entries[hash] = until;
      const pushedOut = Object.keys(entries)
        .filter((other) => other !== hash)
        .sort((a, b) => entries[a] - entries[b])
        .slice(0, Math.max(0, Object.keys(entries).length - this.#maxEntries));
      for (const other of pushedOut) delete entries[other];
      return { result: pushedOut, changed: true };
    });
  }

  /** Moves a listed session's expiry to `until` when that is later; one no longer listed is being ended. */
  async extend(owner: IndexOwner, hash: string, until: number): Promise<void> {
    await this.#change(owner, (entries) => {
      if (!(hash in entries) || entries[hash] >= until) return { result: undefined, changed: false };
      entries[hash] = until;
      return { result: undefined, changed: true };
    });
  }

  /** Removes `hashes`; answers those it found there (the others were already gone). */
  async remove(owner: IndexOwner, hashes: string[]): Promise<string[]> {
    return this.#change(owner, (entries) => {
      const removed = hashes.filter((hash) => hash in entries);
      for (const hash of removed) delete entries[hash];
      return { result: removed, changed: removed.length > 0 };
    });
  }

  /** Removes every entry but `kept`'s (clearSessions). */
  async keepOnly(owner: IndexOwner, kept?: string): Promise<void> {
    await this.#change(owner, (entries) => {
      const others = Object.keys(entries).filter((hash) => hash !== kept);
      for (const hash of others) delete entries[hash];
      return { result: undefined, changed: others.length > 0 };
    });
  }

  /**
   * One read-modify-write of the index; `edit` changes a fresh copy of the entries (it may run again). The
   * entries it drops as expired are published once the write has landed.
   */
  async #change<R>(
    owner: IndexOwner,
    edit: (entries: IndexEntries) => { result: R; changed: boolean },
  ): Promise<R> {
    const { result, expired } = await this.#store.update<unknown, { result: R; expired: string[] }>(
      indexKey(owner.tag),
      (current) => {
        const now = this.#clock.now();
        const { entries, expired } = unexpired(current, now);
        const { result, changed } = edit(entries);
        if (!changed && expired.length === 0) return { result: { result, expired: [] } };
        // An empty index goes at once; otherwise it lives as long as its longest-lived session.
        let ttlMs = 1;
        for (const until of Object.values(entries)) ttlMs = Math.max(ttlMs, until - now);
        return { result: { result, expired }, next: { value: entries, ttlMs } };
      },
    );
    publishExpired(owner.sessionKey, expired);
    return result;
  }
}

/** A copy of the stored entries without those past their expiry; anything malformed counts as absent. */
function unexpired(stored: unknown, now: number): { entries: IndexEntries; expired: string[] } {
  const entries: IndexEntries = {};
  const expired: string[] = [];
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return { entries, expired };
  for (const [hash, until] of Object.entries(stored)) {
    if (typeof until !== 'number') continue;
    if (until > now) entries[hash] = until;
    else expired.push(hash);
  }
  return { entries, expired };
}

/** Sessions that left an index because they expired: koa-jam learns it when it reads the index or a record. */
export function publishExpired(sessionKey: string | undefined, hashes: string[]): void {
  for (const hash of hashes) {
    publish('session.ended', () => ({
      ...(sessionKey !== undefined && { sessionKey }),
      session: handleOf(hash),
      reason: 'expired-on-read',
    }));
  }
}
