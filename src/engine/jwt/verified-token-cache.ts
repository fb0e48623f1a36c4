import { hash } from 'node:crypto';
import type { JamPayload } from '../jam-payload.js';

interface Entry {
  payload: JamPayload;
  expiresAtMs: number;
}

/** What `jam.jwtCacheStats()` reports of the verified-token cache. */
export interface CacheStats {
  /** Tokens cached now. */
  size: number;
  /** The bound (`jwt.cache.maxEntries`). */
  maxEntries: number;
  /** Verifications answered from the cache. */
  hits: number;
  /** Verifications that checked a signature. */
  misses: number;
}

/**
 * An LRU of verified payloads, keyed by a SHA-256 of the whole token (so no token is kept in memory)
 * and bounded in entries. An entry lives no longer than its token's `exp`.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  #hits = 0;
  #misses = 0;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  static keyOf(token: string): string {
    return hash('sha256', token, 'base64');
  }

  get(key: string, nowMs: number): JamPayload | undefined {
    const entry = this.#entries.get(key);
    if (entry !== undefined) this.#entries.delete(key);
    if (entry === undefined || entry.expiresAtMs <= nowMs) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    this.#entries.set(key, entry); // re-inserted: Map order is the recency order
    return entry.payload;
  }

  set(key: string, payload: JamPayload, expiresAtMs: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { payload, expiresAtMs });
    if (this.#entries.size > this.#maxEntries) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
  }

  stats(): CacheStats {
    return { size: this.#entries.size, maxEntries: this.#maxEntries, hits: this.#hits, misses: this.#misses };
  }
}
