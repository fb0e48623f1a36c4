import { randomBytes } from 'node:crypto';
import { publish } from '../jam-events.js';
import { JamError } from '../jam-error.js';
import type { Clock } from '../clock.js';
import type { JamStore } from '../store/jam-store.js';
import { publishExpired, type IndexOwner, type SessionIndex } from './session-index.js';
import { HANDLE_LENGTH, generationKey, handleOf, recordKeyOf } from './session-keys.js';
import type { SessionMeta } from './session-meta.js';
import { FIRST_GENERATION, expiryOf, isLive, isRecord, type SessionRecord } from './session-record.js';

/** One live session of a session key, as listSessions answers it. */
export interface SessionInfo {
  /** Names the session for deleteSessionByHandle and in events (`session`); never authenticates. */
  handle: string;
  createdAt: Date;
  /** The last request that read it, to within a tenth of the session ttl. */
  lastSeenAt: Date;
  expiresAt: Date;
  /** What createSession was given as `meta`, or null. */
  meta: SessionMeta | null;
  /** True for the session named by listSessions' `current` option (absent on the others). */
  current?: true;
}

/** The options of createSession. */
export interface CreateSessionOptions {
  /** A plain object of JSON values, at most 1 KiB encoded, shown by listSessions (a user agent, an IP, a label). */
  meta?: SessionMeta;
}

/** The options of listSessions. */
export interface ListSessionsOptions {
  /** The id of the caller's own session: its entry gets `current: true`. */
  current?: string;
}

/** The options of clearSessions. */
export interface ClearSessionsOptions {
  /** The id of a session to keep (the caller's own); an id that is not a live session of the key keeps none. */
  except?: string;
}

/** A session key and its tag. */
export type SessionKeyOf = Required<IndexOwner>;

/** Generations are kept until overwritten: one short entry per session key that was ever cleared. */
const FOREVER = 0;
/** A clear that keeps a session retries when another clear lands in between; each retry lost to one. */
const MAX_CLEAR_ROUNDS = 8;
const HANDLE = new RegExp(`^[A-Za-z0-9_-]{${HANDLE_LENGTH}}$`);

/**
 * The sessions of one session key, through its index: list them, end one by its handle, end all of them or
 * all but one. The service resolves the session key to its tag and ids to record hashes.
 */
export class KeySessions {
  readonly #store: JamStore;
  readonly #index: SessionIndex;
  readonly #ttlMs: number;
  readonly #clock: Clock;

  constructor(store: JamStore, index: SessionIndex, ttlMs: number, clock: Clock) {
    this.#store = store;
    this.#index = index;
    this.#ttlMs = ttlMs;
    this.#clock = clock;
  }

  /**
   * Every indexed session whose record is live, checked in one store call; the others leave the index (a
   * record that is gone had expired: `expired-on-read`).
   */
  async list(owner: SessionKeyOf, currentHash?: string): Promise<SessionInfo[]> {
    const { tag } = owner;
    const hashes = Object.keys(await this.#index.read(tag));
    if (hashes.length === 0) return [];
    // The generation first: where a store reads keys one by one, a record kept by a concurrent clear is then
    // read after its rewrite, so it is never mistaken for a dead one.
    const [generation, ...records] = await this.#store.getMany<unknown>([
      generationKey(tag),
      ...hashes.map((hash) => recordKeyOf(tag, hash)),
    ]);
    const sessions: SessionInfo[] = [];
    const gone: string[] = [];
    const dead: string[] = [];
    hashes.forEach((hash, i) => {
      const record = records[i];
      if (isLive(record, generation)) sessions.push(this.#infoOf(hash, record, hash === currentHash));
      else (isRecord(record) ? dead : gone).push(hash);
    });
    if (gone.length + dead.length > 0) {
      const removed = await this.#index.remove(owner, [...gone, ...dead]);
      publishExpired(
        owner.sessionKey,
        removed.filter((hash) => gone.includes(hash)),
      );
    }
    return sessions.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  /** Ends the session of this key with `handle`; true when a live one ended. */
  async endByHandle(owner: SessionKeyOf, handle: string): Promise<boolean> {
    const { tag, sessionKey } = owner;
    if (!HANDLE.test(handle)) return false;
    const hash = Object.keys(await this.#index.read(tag)).find((h) => handleOf(h) === handle);
    if (hash === undefined) return false;
    const key = recordKeyOf(tag, hash);
    const [generation, record] = await this.#store.getMany<unknown>([generationKey(tag), key]);
    await this.#store.delete(key);
    await this.#index.remove(owner, [hash]);
    const live = isLive(record, generation);
    if (live) publish('session.ended', () => ({ sessionKey, session: handle, reason: 'logout' }));
    return live;
  }

  /** Ends every session of the key, or every one but the live session `keptHash` names. */
  async clear(owner: SessionKeyOf, keptHash?: string): Promise<void> {
    const kept = keptHash !== undefined && (await this.#clearAllBut(owner, keptHash));
    if (!kept) await this.#clearAll(owner);
    publish('session.ended', () => ({
      sessionKey: owner.sessionKey,
      reason: 'clear',
      ...(kept && { except: handleOf(keptHash!) }),
    }));
  }

  async #clearAll(owner: IndexOwner): Promise<void> {
    // Emptied before the new generation is written: an entry added after that may be a live session.
    await this.#index.keepOnly(owner);
    await this.#store.set(generationKey(owner.tag), newGeneration(), FOREVER);
  }

  /**
   * Makes the kept record valid under the current and the next generation, then switches to the next one
   * (compare-and-set): a request reading the kept session in between finds it live. False when the session
   * is not a live one of this key (then nothing is kept).
   */
  async #clearAllBut(owner: IndexOwner, hash: string): Promise<boolean> {
    const { tag } = owner;
    const key = recordKeyOf(tag, hash);
    for (let round = 0; round < MAX_CLEAR_ROUNDS; round++) {
      const [generation, record] = await this.#store.getMany<unknown>([generationKey(tag), key]);
      if (!isLive(record, generation)) return false;
      const current = (generation as string | undefined) ?? FIRST_GENERATION;
      const next = newGeneration();
      await this.#index.keepOnly(owner, hash);
      const rewritten = await this.#store.update<unknown, boolean>(key, (stored) => {
        const ttlMs = isLive(stored, current) ? expiryOf(stored, this.#ttlMs) - this.#clock.now() : 0;
        if (ttlMs <= 0) return { result: false };
        return {
          result: true,
          next: { value: { ...(stored as SessionRecord), g: current, n: next }, ttlMs },
        };
      });
      if (!rewritten) return false;
      const switched = await this.#store.update<unknown, boolean>(generationKey(tag), (stored) =>
        (stored ?? FIRST_GENERATION) === current
          ? { result: true, next: { value: next, ttlMs: FOREVER } }
          : { result: false },
      );
      if (switched) return true;
      // Another clear landed in between: start again from its generation.
    }
    throw JamError.storeUnavailable('session store', 'clear', 'the generation kept changing');
  }

  #infoOf(hash: string, record: SessionRecord, current: boolean): SessionInfo {
    return {
      handle: handleOf(hash),
      createdAt: new Date(record.c ?? record.w),
      lastSeenAt: new Date(record.w),
      expiresAt: new Date(expiryOf(record, this.#ttlMs)),
      meta: record.m ?? null,
      ...(current && { current: true as const }),
    };
  }
}

function newGeneration(): string {
  return randomBytes(16).toString('base64url');
}
