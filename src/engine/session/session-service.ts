import type { Clock } from '../clock.js';
import { publish, subscribed } from '../jam-events.js';
import { JamError } from '../jam-error.js';
import type { JamStore } from '../store/jam-store.js';
import { openStore } from '../store/open-store.js';
import { checkCallOptions, checkOptionalId } from './session-call-options.js';
import { checkSessionData, type SessionData } from './session-data.js';
import { newSessionId, parseSessionId, tagOfSessionId } from './session-id.js';
import { KeySessions, type SessionInfo, type SessionKeyOf } from './key-sessions.js';
import { generationKey, handleOf, recordHash, recordKey } from './session-keys.js';
import { checkSessionMeta } from './session-meta.js';
import type { ResolvedSessionOptions } from './session-options.js';
import { expiryOf, isLive, isRecord, type SessionRecord } from './session-record.js';
import { SessionIndex } from './session-index.js';
import { SealedSessionId } from './sealed-session-id.js';
import { SessionTagger } from './session-tagger.js';

interface Loaded {
  id: Buffer;
  storeKey: string;
  record: SessionRecord;
}

/** A session is re-written (lastSeenAt, and the expiry of a rolling one) once this share of its ttl has passed. */
const TOUCH_SHARE = 0.1;

/**
 * Server-side sessions for one Jam instance. `clearSessions` holds across processes without a transaction:
 * every session key has a random "generation" (`g:{<tag>}`), each record keeps the generation it read when
 * it was created, a clear writes a new generation, and a record counts only while its generation is the
 * current one. A create that read the generation before a clear is dead after it. An id starts with the tag
 * of its session key (SessionTagger), so a read fetches the record and its generation in one store call.
 * The sessions of a key are listed through an index (session-index.ts, key-sessions.ts).
 */
export class SessionService {
  readonly #store: JamStore;
  readonly #ttlMs: number;
  readonly #rolling: boolean;
  readonly #sealer?: SealedSessionId;
  readonly #tagger: SessionTagger;
  readonly #index: SessionIndex;
  readonly #keySessions: KeySessions;
  readonly #clock: Clock;

  constructor(options: ResolvedSessionOptions, clock: Clock) {
    this.#clock = clock;
    this.#store = openStore(options.store, {
      path: 'session.store',
      purpose: 'session store',
      prefix: 'jam:session:',
      timeoutMs: options.storeTimeoutMs,
      clock,
    });
    this.#ttlMs = options.ttlMs;
    this.#rolling = options.rolling;
    this.#sealer = options.encryptionKey && new SealedSessionId(options.encryptionKey);
    this.#tagger = new SessionTagger(this.#store, options.encryptionKey);
    this.#index = new SessionIndex(this.#store, clock);
    this.#keySessions = new KeySessions(this.#store, this.#index, this.#ttlMs, clock);
  }

  get ttlSeconds(): number {
    return Math.ceil(this.#ttlMs / 1000);
  }

  get rolling(): boolean {
    return this.#rolling;
  }

  /** The record first, then its index entry: a session listed is always one that was stored. */
  async create(sessionKey: string, data: object, options?: unknown): Promise<string> {
    const { meta } = checkCallOptions('createSession', options, ['meta']);
    const d = checkSessionData('createSession', data);
    const m = checkSessionMeta('createSession', meta);
    const owner = await this.#ownerOf(sessionKey);
    const g = (await this.#store.get<string>(generationKey(owner.tag))) ?? '';
    const now = this.#clock.now();
    const record: SessionRecord = {
      g,
      d,
      w: now,
      c: now,
      ...this.#expiry(now + this.#ttlMs),
      ...(m && { m }),
    };
    const id = newSessionId(owner.tag);
    await this.#store.set(recordKey(id), record, this.#ttlMs);
    try {
      await this.#index.announce(owner, recordHash(id), record.x!);
    } catch (err) {
      // Unlisted, the session could not be ended from a list of devices: it must not exist.
      await this.#store.delete(recordKey(id)).catch(() => undefined);
      throw err;
    }
    publish('session.created', () => ({ sessionKey, session: handleOf(recordHash(id)) }));
    return this.#idOf(id);
  }

  /** One store call, and a write once a tenth of the ttl has passed since the last one (touch). */
  async get(id: string): Promise<SessionData | null> {
    const loaded = await this.#load(id);
    if (loaded === undefined) return null;
    const now = this.#clock.now();
    if (now - loaded.record.w >= this.#ttlMs * TOUCH_SHARE) await this.#touch(loaded, now);
    return loaded.record.d;
  }

  async update(id: string, data: object): Promise<void> {
    const d = checkSessionData('updateSession', data);
    const loaded = await this.#mustLoad('updateSession', id);
    const now = this.#clock.now();
    const expiry = await this.#announce(loaded, now + this.#ttlMs);
    const updated = await this.#rewrite(loaded, (current) => ({ ...current, d, w: now, ...expiry }), now);
    if (!updated) throw JamError.sessionNotFound('updateSession: no such session');
  }

  async delete(id: string): Promise<void> {
    const bytes = this.#idBytes(id);
    if (bytes === undefined) return;
    // Only a subscriber pays for the read that says whether a live session ended.
    const live = subscribed('session.ended') && (await this.#load(id)) !== undefined;
    await this.#store.delete(recordKey(bytes));
    // The session has ended; an entry left behind by an outage here goes at the next listSessions.
    await this.#index.remove({ tag: tagOfSessionId(bytes) }, [recordHash(bytes)]).catch(() => undefined);
    if (live) publish('session.ended', () => ({ session: handleOf(recordHash(bytes)), reason: 'logout' }));
  }

  async clear(sessionKey: string, options?: unknown): Promise<void> {
    const { except } = checkCallOptions('clearSessions', options, ['except']);
    const owner = await this.#ownerOf(sessionKey);
    await this.#keySessions.clear(
      owner,
      this.#hashOf(owner, checkOptionalId('clearSessions', 'except', except)),
    );
  }

  async list(sessionKey: string, options?: unknown): Promise<SessionInfo[]> {
    const { current } = checkCallOptions('listSessions', options, ['current']);
    const owner = await this.#ownerOf(sessionKey);
    return this.#keySessions.list(
      owner,
      this.#hashOf(owner, checkOptionalId('listSessions', 'current', current)),
    );
  }

  async deleteByHandle(sessionKey: string, handle: string): Promise<boolean> {
    if (typeof handle !== 'string')
      throw JamError.invalidArgument('deleteSessionByHandle: handle must be a string');
    return this.#keySessions.endByHandle(await this.#ownerOf(sessionKey), handle);
  }

  /** A new id for the same data (same generation: a clear in between ends both); the old id ends at once. */
  async rework(id: string): Promise<string> {
    const { id: bytes, storeKey, record } = await this.#mustLoad('reworkSession', id);
    const tag = tagOfSessionId(bytes);
    const now = this.#clock.now();
    const renewed: SessionRecord = { ...record, w: now, ...this.#expiry(now + this.#ttlMs) };
    const newId = newSessionId(tag);
    await this.#store.set(recordKey(newId), renewed, this.#ttlMs);
    try {
      await this.#index.announce({ tag }, recordHash(newId), renewed.x!);
      await this.#store.delete(storeKey);
    } catch (err) {
      // The old id still works, so the new one must not: the caller sees the error and keeps the old state.
      // Not this.delete(): a rollback is no logout.
      await this.#store.delete(recordKey(newId)).catch(() => undefined);
      throw err;
    }
    // The old session has ended; an entry left behind by an outage here goes at the next listSessions.
    await this.#index.remove({ tag }, [recordHash(bytes)]).catch(() => undefined);
    publish('session.ended', () => ({
      session: handleOf(recordHash(bytes)),
      reason: 'rework',
      renewedAs: handleOf(recordHash(newId)),
    }));
    return this.#idOf(newId);
  }

  close(): Promise<void> {
    return this.#store.close();
  }

  /** The expiry fields of a record written now: its expiry, and the later one its index entry gets. */
  #expiry(expires: number): Pick<SessionRecord, 'e' | 'x'> {
    // A ttl of slack: a rolling session re-announces about once per ttl, not at each touch; and a process
    // whose clock runs ahead does not drop a live session from the index.
    return { e: expires, x: expires + this.#ttlMs };
  }

  /** Announces `expires` to the index when the record's entry holds an earlier one (before writing it). */
  async #announce(loaded: Loaded, expires: number): Promise<Pick<SessionRecord, 'e' | 'x'>> {
    const { id, record } = loaded;
    if (record.x !== undefined && record.x >= expires) return { e: expires, x: record.x };
    const expiry = this.#expiry(expires);
    await this.#index.announce({ tag: tagOfSessionId(id) }, recordHash(id), expiry.x!);
    return expiry;
  }

  /**
   * Marks the session seen: a rolling one gets a new ttl, another keeps its expiry. Costs one write per
   * tenth of the ttl at most, and an index update about once per ttl for a rolling one.
   */
  async #touch(loaded: Loaded, now: number): Promise<void> {
    const expires = this.#rolling ? now + this.#ttlMs : expiryOf(loaded.record, this.#ttlMs);
    if (expires <= now) return;
    const expiry = await this.#announce(loaded, expires);
    await this.#rewrite(
      loaded,
      (current) => (this.#rolling ? { ...current, w: now, ...expiry } : { ...current, w: now }),
      now,
    );
  }

  /**
   * A compare-and-set of the record (on Redis, Redis Cluster and SQLite): a session ended meanwhile is never
   * written back. False when it is gone.
   */
  #rewrite(loaded: Loaded, change: (current: SessionRecord) => SessionRecord, now: number): Promise<boolean> {
    return this.#store.update<unknown, boolean>(loaded.storeKey, (current) => {
      if (!isRecord(current)) return { result: false };
      const next = change(current);
      const ttlMs = expiryOf(next, this.#ttlMs) - now;
      return ttlMs > 0 ? { result: true, next: { value: next, ttlMs } } : { result: false };
    });
  }

  /** One store call: the record and the generation of its session key, read together. */
  async #load(value: string): Promise<Loaded | undefined> {
    const id = this.#idBytes(value);
    if (id === undefined) return undefined;
    const storeKey = recordKey(id);
    const [record, generation] = await this.#store.getMany<unknown>([
      storeKey,
      generationKey(tagOfSessionId(id)),
    ]);
    return isLive(record, generation) ? { id, storeKey, record } : undefined;
  }

  async #mustLoad(method: string, id: string): Promise<Loaded> {
    const loaded = await this.#load(id);
    if (loaded === undefined) throw JamError.sessionNotFound(`${method}: no such session`);
    return loaded;
  }

  async #ownerOf(sessionKey: unknown): Promise<SessionKeyOf> {
    if (typeof sessionKey !== 'string' || sessionKey === '') {
      throw JamError.invalidArgument('sessionKey must be a non-empty string');
    }
    return { sessionKey, tag: await this.#tagger.tag(sessionKey) };
  }

  /** The record hash of `id` when it is an id of this session key (a foreign one names no session here). */
  #hashOf(owner: SessionKeyOf, id: string | undefined): string | undefined {
    const bytes = id === undefined ? undefined : this.#idBytes(id);
    return bytes && tagOfSessionId(bytes).equals(owner.tag) ? recordHash(bytes) : undefined;
  }

  #idOf(id: Buffer): string {
    return this.#sealer ? this.#sealer.seal(id) : id.toString('base64url');
  }

  /** Malformed, forged and foreign ids end here, before any store call. */
  #idBytes(id: unknown): Buffer | undefined {
    if (typeof id !== 'string') return undefined;
    return this.#sealer ? this.#sealer.unseal(id) : parseSessionId(id);
  }
}
