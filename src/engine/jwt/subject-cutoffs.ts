import { hash } from 'node:crypto';
import type { Clock } from '../clock.js';
import { JamError } from '../jam-error.js';
import type { JamPayload } from '../jam-payload.js';
import type { JamStore } from '../store/jam-store.js';

const MAX_SUBJECT_LENGTH = 1024;

/**
 * `revokeSubject`: one entry per subject on the list store, holding the time (seconds) up to which every token
 * of that `sub` is refused, whoever issued it. Keyed by a SHA-256 of the subject (no user id in key names, no
 * store metacharacters), and kept as long as any token issued before it can live.
 */
export class SubjectCutoffs {
  readonly #store: JamStore;
  readonly #ttlMs: number;
  readonly #clock: Clock;

  constructor(store: JamStore, ttlMs: number, clock: Clock) {
    this.#clock = clock;
    this.#store = store;
    this.#ttlMs = ttlMs;
  }

  /** The cutoff of the token's subject, or undefined; tokens without a string `sub` have none. */
  read(payload: JamPayload): Promise<number | undefined> | undefined {
    return typeof payload.sub === 'string' ? this.#store.get<number>(entryOf(payload.sub)) : undefined;
  }

  /** ERR_JWT_REVOKED unless the token was issued after the cutoff (a token without `iat` never was). */
  check(payload: JamPayload, cutoff: number | undefined): void {
    if (cutoff !== undefined && !(typeof payload.iat === 'number' && payload.iat > cutoff))
      throw JamError.jwtRevoked('every token of this subject issued until then has been revoked');
  }

  /** Refuses every token of `sub` issued up to this second, in every process sharing the store. */
  async revoke(sub: unknown): Promise<void> {
    if (typeof sub !== 'string' || sub === '' || sub.length > MAX_SUBJECT_LENGTH) {
      throw JamError.invalidArgument(
        `revokeSubject: sub must be a string of 1 to ${MAX_SUBJECT_LENGTH} characters`,
      );
    }
    await this.#store.set(entryOf(sub), Math.floor(this.#clock.now() / 1000), this.#ttlMs);
  }
}

function entryOf(sub: string): string {
  return `sub:${hash('sha256', sub, 'base64url')}`;
}
