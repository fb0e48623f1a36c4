import type { Clock } from '../clock.js';
import { JamError } from '../jam-error.js';
import { publish, type JamEvents } from '../jam-events.js';
import type { JamPayload } from '../jam-payload.js';
import type { JamStore } from '../store/jam-store.js';
import { openStore } from '../store/open-store.js';
import type { ResolvedListOptions } from './jwt-list-options.js';
import { SubjectCutoffs } from './subject-cutoffs.js';

const MAX_ID_LENGTH = 256;

/**
 * The revocation list, keyed by `jti` (or by `fam` for the tokens of a pair, so one entry revokes the whole
 * family) and expiring with the tokens, so it never grows without bound.
 */
export class JwtList {
  readonly #white: boolean;
  readonly #store: JamStore;
  readonly #toleranceMs: number;
  readonly #familyLifetimeMs: number;
  readonly #subjects?: SubjectCutoffs;
  readonly #clock: Clock;

  /** @param familyLifetime seconds: the longest any token of a refresh family lives. */
  constructor(options: ResolvedListOptions, clockTolerance: number, familyLifetime: number, clock: Clock) {
    this.#clock = clock;
    this.#white = options.type === 'white';
    this.#toleranceMs = clockTolerance * 1000;
    this.#familyLifetimeMs = familyLifetime * 1000;
    this.#store = openStore(options.store, {
      path: 'jwt.list.store',
      purpose: 'revocation list store',
      prefix: 'jam:jwt-list:',
      timeoutMs: options.storeTimeout,
      clock,
    });
    // A cutoff must outlive every token issued before it: the longest lifetime koa-jam issues.
    if (options.subjects)
      this.#subjects = new SubjectCutoffs(this.#store, this.#familyLifetimeMs + this.#toleranceMs, clock);
  }

  /**
   * ERR_JWT_REVOKED when the list or a subject cutoff refuses the token, ERR_STORE_UNAVAILABLE on an outage.
   * The token's entry and its subject's cutoff are read at once: two GETs in flight together (no extra round
   * trip of latency, and no cross-slot MGET on a cluster).
   */
  async check(payload: JamPayload): Promise<void> {
    // Promise.all: an outage of one read never leaves the other's rejection unhandled.
    const [listed, cutoff] = await Promise.all([
      this.#store.get(entryOf(payload)),
      this.#subjects?.read(payload),
    ]);
    if ((listed !== undefined) !== this.#white) throw JamError.jwtRevoked();
    this.#subjects?.check(payload, cutoff);
  }

  /** Refuses every token of `sub` issued up to now (their `iat`), in every process sharing the store. */
  async revokeSubject(sub: unknown): Promise<void> {
    if (this.#subjects === undefined)
      throw JamError.config('revokeSubject needs subject cutoffs: remove jwt.list.subjects: false');
    await this.#subjects.revoke(sub);
    publish('token.revoked', () => ({ kind: 'subject', sub: sub as string }));
  }

  /**
   * White list: lets the token (or its family) verify from now on, unless it was revoked. Written, then the
   * revocation marker read: a revoke whose delete lands before this write has set its marker before that
   * delete, so the read sees it, whatever the interleaving, and the entry is taken back.
   */
  async record(payload: JamPayload): Promise<void> {
    if (!this.#white) return;
    const ttl = this.#ttlOf(payload);
    if (ttl <= 0) return;
    const entry = entryOf(payload);
    await this.#store.set(entry, 1, ttl);
    if ((await this.#store.get(`revoked:${entry}`)) !== undefined) {
      await this.#store.delete(entry);
      throw JamError.jwtRevoked();
    }
  }

  /** Refuses the token (or its whole family) from now on. */
  async revoke(payload: JamPayload): Promise<void> {
    const ttl = this.#ttlOf(payload);
    const entry = entryOf(payload);
    if (this.#white) {
      // The marker first: a record() racing this revoke then either sees it or is deleted below.
      if (ttl > 0) await this.#store.set(`revoked:${entry}`, 1, ttl);
      await this.#store.delete(entry);
    } else if (ttl > 0) await this.#store.set(entry, 1, ttl);
    publish('token.revoked', () => revokedEvent(payload));
  }

  /** Marks a refresh token spent; true only for the first caller, across processes on Redis. */
  spend(payload: JamPayload): Promise<boolean> {
    return this.#store.claim(`spent:${idOf(payload, 'jti')}`, Math.max(1, this.#ttlOf({ exp: payload.exp })));
  }

  /**
   * Keeps `sealed` (the pair a refresh token was exchanged for) under the token's `jti` for `ttlMs`, unless
   * something is kept there already; true for the one caller that wrote it, across processes on Redis and SQLite.
   */
  hold(payload: JamPayload, sealed: string, ttlMs: number): Promise<boolean> {
    return this.#store.claim(`reissued:${idOf(payload, 'jti')}`, ttlMs, sealed);
  }

  /** Ends what `hold` keeps for the token. */
  release(payload: JamPayload): Promise<void> {
    return this.#store.delete(`reissued:${idOf(payload, 'jti')}`);
  }

  /** What `hold` keeps for the token, while it does. */
  held(payload: JamPayload): Promise<string | undefined> {
    return this.#store.get<string>(`reissued:${idOf(payload, 'jti')}`);
  }

  close(): Promise<void> {
    return this.#store.close();
  }

  /** How long an entry must outlive now: as long as the token (or any of its family) can still verify. */
  #ttlOf(payload: JamPayload): number {
    if (isPairToken(payload)) return this.#familyLifetimeMs + this.#toleranceMs;
    if (typeof payload.exp !== 'number')
      throw JamError.jwtInvalid('a token without exp cannot be listed', { check: 'exp' });
    return payload.exp * 1000 + this.#toleranceMs - this.#clock.now();
  }
}

/** Tokens of a pair (they have `token_use`) are listed by family; a `fam` in other tokens is just data. */
function entryOf(payload: JamPayload): string {
  return isPairToken(payload) ? `fam:${idOf(payload, 'fam')}` : `jti:${idOf(payload, 'jti')}`;
}

/** The subject, for events: a string `sub` claim, else none. */
export function subjectOf(payload: JamPayload): string | undefined {
  return typeof payload.sub === 'string' ? payload.sub : undefined;
}

function revokedEvent(payload: JamPayload): JamEvents['koa-jam:token.revoked'] {
  const sub = subjectOf(payload);
  return isPairToken(payload)
    ? { kind: 'family', sub, family: payload.fam as string }
    : { kind: 'token', sub, jti: payload.jti };
}

function isPairToken(payload: JamPayload): boolean {
  return payload.token_use !== undefined;
}

function idOf(payload: JamPayload, claim: 'jti' | 'fam'): string {
  const id = payload[claim];
  if (typeof id !== 'string' || id === '' || id.length > MAX_ID_LENGTH) {
    throw JamError.jwtInvalid(
      `a listed token needs a ${claim} claim (a string of 1 to ${MAX_ID_LENGTH} characters)`,
      { check: claim },
    );
  }
  return id;
}
