import type { Clock } from '../clock.js';
import { publish, subscribed } from '../jam-events.js';
import { JamError } from '../jam-error.js';
import type { JamStore } from '../store/jam-store.js';
import { openStore } from '../store/open-store.js';
import { checkCallOptions, checkOptionalId } from './session-call-options.js';
import { checkSessionData, type SessionData } from './session-data.js';
import { parseSessionId, tagOfSessionId } from './session-id.js';
import { KeySessions, type SessionInfo, type SessionKeyOf } from './key-sessions.js';
import { generationKey, handleOf, recordHash, recordKey } from './session-keys.js';
import { checkSessionMeta } from './session-meta.js';
import type { ResolvedSessionOptions } from './session-options.js';
import { FIRST_GENERATION, isLive, type LoadedRecord } from './session-record.js';
import { SessionIndex } from './session-index.js';
import { SessionWriter } from './session-writer.js';
import { SealedSessionId } from './sealed-session-id.js';
import { SessionTagger } from './session-tagger.js';

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
  readonly #writer: SessionWriter;

  constructor(options: ResolvedSessionOptions, clock: Clock) {
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
    this.#index = new SessionIndex(this.#store, clock, options.maxPerKey);
    this.#keySessions = new KeySessions(this.#store, this.#index, this.#ttlMs, clock);
    this.#writer = new SessionWriter(this.#store, this.#index, this.#ttlMs, this.#rolling, clock);
  }

  get ttlSeconds(): number {
    return Math.ceil(this.#ttlMs / 1000);
  }

  get rolling(): boolean {
    return this.#rolling;
  }

  async create(sessionKey: string, data: object, options?: unknown): Promise<string> {
    const { meta } = checkCallOptions('createSession', options, ['meta']);
    const d = checkSessionData('createSession', data);
    const m = checkSessionMeta('createSession', meta);
    const owner = await this.#ownerOf(sessionKey);
    const g = (await this.#store.get<string>(generationKey(owner.tag))) ?? FIRST_GENERATION;
    const id = await this.#writer.create(owner, { g, d, ...(m && { m }) });
    publish('session.created', () => ({ sessionKey, session: handleOf(recordHash(id)) }));
    return this.#idOf(id);
  }

  /** One store call, and a write once a tenth of the ttl has passed since the last one (touch). */
  async get(id: string): Promise<SessionData | null> {
    const loaded = await this.#load(id);
    if (loaded === undefined) return null;
    await this.#writer.touch(loaded);
    return loaded.record.d;
  }

  async update(id: string, data: object): Promise<void> {
    const d = checkSessionData('updateSession', data);
    const updated = await this.#writer.update(await this.#mustLoad('updateSession', id), d);
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
    const newId = await this.#writer.create({ tag }, record);
    try {
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

  /** One store call: the record and the generation of its session key, read together. */
  async #load(value: string): Promise<LoadedRecord | undefined> {
    const id = this.#idBytes(value);
    if (id === undefined) return undefined;
    const storeKey = recordKey(id);
    const [record, generation] = await this.#store.getMany<unknown>([
      storeKey,
      generationKey(tagOfSessionId(id)),
    ]);
    return isLive(record, generation) ? { id, storeKey, record } : undefined;
  }

  async #mustLoad(method: string, id: string): Promise<LoadedRecord> {
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
