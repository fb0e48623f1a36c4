import { hash } from 'node:crypto';
import type { JamPayload } from '../jam-payload.js';
import type { JsonNode } from '../walk-json.js';

interface Entry {
  payload: JamPayload;
  expiresAtMs: number;
  bytes: number;
}

/** What `jam.jwtCacheStats()` reports of the verified-token cache. */
export interface CacheStats {
  /** Tokens cached now. */
  size: number;
  /** The bound (`jwt.cache.maxEntries`). */
  maxEntries: number;
  /** Estimated heap bytes the entries hold (payloads, keys and bookkeeping). */
  bytes: number;
  /** The byte bound (`jwt.cache.maxBytes`). */
  maxBytes: number;
  /** Verifications answered from the cache. */
  hits: number;
  /** Verifications that checked a signature. */
  misses: number;
}

/** Map entry, Entry object and the 44-character key. */
const ENTRY_OVERHEAD_BYTES = 160;

/**
 * An LRU of verified payloads, keyed by a SHA-256 of the whole token (so no token is kept in memory) and
 * bounded both in entries and in estimated bytes: an 8 KB token can hold thousands of empty objects, about
 * 64 bytes of heap each, so a count alone does not bound memory. An entry lives no longer than its token's `exp`.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  #bytes = 0;
  #hits = 0;
  #misses = 0;

  constructor(maxEntries: number, maxBytes: number) {
    this.#maxEntries = maxEntries;
    this.#maxBytes = maxBytes;
  }

  static keyOf(token: string): string {
    return hash('sha256', token, 'base64');
  }

  /**
   * Estimated heap bytes of one value of a payload and of the member name it sits under, measured against
   * V8 (Node 20) and rounded up: objects 64 bytes plus 48 and the name a member, arrays 40 plus 8 an element,
   * strings 16 plus up to 2 a character, numbers 16. Summed over a payload by the walk that freezes it.
   */
  static bytesOf({ value, key, parent }: JsonNode): number {
    const slot = parent === undefined ? 0 : Array.isArray(parent.value) ? 8 : 48 + key!.length;
    if (typeof value === 'string') return slot + 16 + 2 * value.length;
    if (Array.isArray(value)) return slot + 40;
    return slot + (value !== null && typeof value === 'object' ? 64 : 16);
  }

  get(key: string, nowMs: number): JamPayload | undefined {
    const entry = this.#entries.get(key);
    if (entry !== undefined) this.#remove(key, entry);
    if (entry === undefined || entry.expiresAtMs <= nowMs) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    this.#add(key, entry); // re-inserted: Map order is the recency order
    return entry.payload;
  }

  /** `payloadBytes`: the sum of bytesOf over the payload. A payload larger than the whole bound is not kept. */
  set(key: string, payload: JamPayload, expiresAtMs: number, payloadBytes: number): void {
    const old = this.#entries.get(key);
    if (old !== undefined) this.#remove(key, old);
    const bytes = payloadBytes + ENTRY_OVERHEAD_BYTES;
    if (bytes > this.#maxBytes) return;
    this.#add(key, { payload, expiresAtMs, bytes });
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      this.#remove(oldest, entry);
    }
  }

  stats(): CacheStats {
    return {
      size: this.#entries.size,
      maxEntries: this.#maxEntries,
      bytes: this.#bytes,
      maxBytes: this.#maxBytes,
      hits: this.#hits,
      misses: this.#misses,
    };
  }

  #add(key: string, entry: Entry): void {
    this.#entries.set(key, entry);
    this.#bytes += entry.bytes;
  }

  #remove(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}
