import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { publish, subscribed } from '../jam-events.js';
import { JamError } from '../jam-error.js';
import type { JamStore } from '../store/jam-store.js';
import { openStore } from '../store/open-store.js';
import { checkSessionData, type SessionData } from './session-data.js';
import { newSessionId, parseSessionId, storeKeyOf, tagOfSessionId } from './session-id.js';
import type { ResolvedSessionOptions } from './session-options.js';
import { SealedSessionId } from './sealed-session-id.js';
import { SessionTagger } from './session-tagger.js';

/** What the store holds under `s:{<tag>}<sha256(id)>`. */
interface SessionRecord {
  /** The generation of the session key when the session was created. */
  g: string;
  d: SessionData;
  /** When the record was last written (ms), for rolling sessions. */
  w: number;
}

interface Loaded {
  id: Buffer;
  storeKey: string;
  record: SessionRecord;
}

/** A session key that was never cleared has this generation. */
const FIRST_GENERATION = '';
/** Generations are kept until overwritten: one short entry per session key that was ever cleared. */
const FOREVER = 0;
/** A rolling session is re-written once it has used this share of its lifetime, not on every request. */
const ROLLING_REFRESH_SHARE = 0.1;

/**
 * Server-side sessions for one Jam instance. `clearSessions` needs no atomic store operation, so it holds
 * across processes: every session key has a random "generation" (`g:{<tag>}`), each record keeps the
 * generation it read when it was created, a clear writes a new generation, and a record counts only while
 * its generation is the current one. A create that read the generation before a clear is dead after it.
 * An id starts with the tag of its session key (SessionTagger), so a read fetches the record and its
 * generation in one store call; the `{…}` around the tag keeps both in one Redis Cluster hash slot.
 */
export class SessionService {
  readonly #store: JamStore;
  readonly #ttlMs: number;
  readonly #rolling: boolean;
  readonly #sealer?: SealedSessionId;
  readonly #tagger: SessionTagger;
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
  }

  get ttlSeconds(): number {
    return Math.ceil(this.#ttlMs / 1000);
  }

  get rolling(): boolean {
    return this.#rolling;
  }

  async create(sessionKey: string, data: object): Promise<string> {
    const d = checkSessionData('createSession', data);
    const tag = await this.#tagger.tag(checkSessionKey(sessionKey));
    const g = (await this.#store.get<string>(generationKey(tag))) ?? FIRST_GENERATION;
    const id = await this.#write(tag, { g, d, w: this.#clock.now() });
    publish('session.created', () => ({ sessionKey, session: this.#refOf(id) }));
    return id;
  }

  async get(id: string): Promise<SessionData | null> {
    const loaded = await this.#load(id);
    if (loaded === undefined) return null;
    const { storeKey, record } = loaded;
    if (this.#rolling && this.#clock.now() - record.w >= this.#ttlMs * ROLLING_REFRESH_SHARE) {
      await this.#store.set(storeKey, { ...record, w: this.#clock.now() }, this.#ttlMs);
    }
    return record.d;
  }

  async update(id: string, data: object): Promise<void> {
    const d = checkSessionData('updateSession', data);
    const { storeKey, record } = await this.#mustLoad('updateSession', id);
    await this.#store.set(storeKey, { ...record, d, w: this.#clock.now() }, this.#ttlMs);
  }

  async delete(id: string): Promise<void> {
    const bytes = this.#idBytes(id);
    if (bytes === undefined) return;
    // Only a subscriber pays for the read that says whether a live session ended.
    const live = subscribed('session.ended') && (await this.#load(id)) !== undefined;
    await this.#store.delete(recordKey(bytes));
    if (live) publish('session.ended', () => ({ session: sessionRef(bytes), reason: 'logout' }));
  }

  async clear(sessionKey: string): Promise<void> {
    const tag = await this.#tagger.tag(checkSessionKey(sessionKey));
    await this.#store.set(generationKey(tag), randomBytes(16).toString('base64url'), FOREVER);
    publish('session.ended', () => ({ sessionKey, reason: 'clear' }));
  }

  /** A new id for the same data (same generation: a clear in between ends both); the old id ends at once. */
  async rework(id: string): Promise<string> {
    const { id: bytes, storeKey, record } = await this.#mustLoad('reworkSession', id);
    const newId = await this.#write(tagOfSessionId(bytes), { ...record, w: this.#clock.now() });
    try {
      await this.#store.delete(storeKey);
    } catch (err) {
      // The old id still works, so the new one must not: the caller sees the error and keeps the old state.
      // Not this.delete(): a rollback is no logout.
      await this.#store.delete(recordKey(this.#idBytes(newId)!)).catch(() => undefined);
      throw err;
    }
    publish('session.ended', () => ({
      session: sessionRef(bytes),
      reason: 'rework',
      renewedAs: this.#refOf(newId),
    }));
    return newId;
  }

  close(): Promise<void> {
    return this.#store.close();
  }

  async #write(tag: Buffer, record: SessionRecord): Promise<string> {
    const id = newSessionId(tag);
    await this.#store.set(recordKey(id), record, this.#ttlMs);
    return this.#sealer ? this.#sealer.seal(id) : id.toString('base64url');
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
    if (!isRecord(record) || (generation ?? FIRST_GENERATION) !== record.g) return undefined;
    return { id, storeKey, record };
  }

  async #mustLoad(method: string, id: string): Promise<Loaded> {
    const loaded = await this.#load(id);
    if (loaded === undefined) throw JamError.sessionNotFound(`${method}: no such session`);
    return loaded;
  }

  /** The reference of a session this instance just made, for events. */
  #refOf(id: string): string {
    return sessionRef(this.#idBytes(id)!);
  }

  /** Malformed, forged and foreign ids end here, before any store call. */
  #idBytes(id: unknown): Buffer | undefined {
    if (typeof id !== 'string') return undefined;
    return this.#sealer ? this.#sealer.unseal(id) : parseSessionId(id);
  }
}

/** A session in events: 16 characters (96 bits) of the SHA-256 of its id, never the id. */
function sessionRef(id: Buffer): string {
  return storeKeyOf(id).slice(0, 16);
}

/** Redis Cluster hashes only what is inside the first `{…}`: every key of one session key shares a slot. */
function hashTag(tag: Buffer): string {
  return `{${tag.toString('base64url')}}`;
}

function recordKey(id: Buffer): string {
  return `s:${hashTag(tagOfSessionId(id))}${storeKeyOf(id)}`;
}

function generationKey(tag: Buffer): string {
  return `g:${hashTag(tag)}`;
}

function checkSessionKey(sessionKey: unknown): string {
  if (typeof sessionKey !== 'string' || sessionKey === '') {
    throw JamError.invalidArgument('sessionKey must be a non-empty string');
  }
  return sessionKey;
}

/** Guards against foreign or damaged entries in a shared store. */
function isRecord(value: unknown): value is SessionRecord {
  const r = value as SessionRecord | undefined;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.g === 'string' &&
    typeof r.w === 'number' &&
    typeof r.d === 'object' &&
    r.d !== null
  );
}
