import type { SessionData } from './session-data.js';
import type { SessionMeta } from './session-meta.js';

/** What the store holds under `s:{<tag>}<sha256(id)>`. Times are ms since the epoch. */
export interface SessionRecord {
  /** The generation of the session key when the session was created. */
  g: string;
  /**
   * A second generation the record is also valid under: `clearSessions(key, { except })` writes the new
   * generation here before it makes it current, so the kept session never reads as ended in between.
   */
  n?: string;
  d: SessionData;
  /** When the record was last written: created, updated, or seen by a read (at most once per tenth of the ttl). */
  w: number;
  /** When it was created (absent in records written before koa-jam kept it: `w` stands in). */
  c?: number;
  /** When it expires (absent in older records: `w` + ttl, as they were always written with the full ttl). */
  e?: number;
  /** The expiry the index holds for it (session-index.ts): a later expiry must be announced there first. */
  x?: number;
  m?: SessionMeta;
}

/** A live record as read for an id: the id's bytes and the record's store key with it. */
export interface LoadedRecord {
  id: Buffer;
  storeKey: string;
  record: SessionRecord;
}

/** A session key that was never cleared has this generation. */
export const FIRST_GENERATION = '';

/** Guards against foreign or damaged entries in a shared store. */
export function isRecord(value: unknown): value is SessionRecord {
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

/** A record counts while the session key's current generation is one it was written under. */
export function isLive(record: unknown, generation: unknown): record is SessionRecord {
  if (!isRecord(record)) return false;
  const current = generation ?? FIRST_GENERATION;
  return current === record.g || current === record.n;
}

export function expiryOf(record: SessionRecord, ttlMs: number): number {
  return record.e ?? record.w + ttlMs;
}
