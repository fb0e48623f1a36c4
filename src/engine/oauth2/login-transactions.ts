import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { JamError } from '../jam-error.js';
import type { JamStore } from '../store/jam-store.js';
import { SingleUseEntries } from '../store/single-use-entries.js';

/** What the server keeps between the redirect to the provider and the callback. */
export interface LoginTransaction {
  provider: string;
  state: string;
  nonce?: string;
  verifier: string;
  returnTo: string;
}

const BROWSER_KEY = /^[A-Za-z0-9_-]{43}$/;

/**
 * Login transactions, bound to a browser: the browser holds a random key (a cookie), and a transaction is
 * stored under the hash of that key and the `state` it was started with. A callback needs both, so a
 * `state` that leaks (logs, Referer) is useless without the cookie, and the store never holds the key.
 * A transaction is used at most once, even by racing callbacks, and expires after `oauth2.ttl`.
 */
export class LoginTransactions {
  readonly #entries: SingleUseEntries<LoginTransaction>;

  constructor(store: JamStore, ttlMs: number, clock: Clock) {
    this.#entries = new SingleUseEntries(store, 'tx', ttlMs, clock);
  }

  get ttlMs(): number {
    return this.#entries.ttlMs;
  }

  /** The browser's key: the one it already has when well-formed (parallel logins), else a new one. */
  browserKey(existing?: string): string {
    return existing !== undefined && BROWSER_KEY.test(existing)
      ? existing
      : randomBytes(32).toString('base64url');
  }

  async save(browserKey: string, transaction: LoginTransaction): Promise<void> {
    await this.#entries.put(`${browserKey}.${transaction.state}`, transaction);
  }

  /** The transaction, removed; ERR_OAUTH2 when there is none for this browser and state (wrong, spent or expired). */
  async take(browserKey: string | undefined, state: string | null): Promise<LoginTransaction> {
    if (!state) throw JamError.oauth2Refused('no-state', 'the callback has no state');
    if (browserKey === undefined || !BROWSER_KEY.test(browserKey)) {
      throw JamError.oauth2Refused('no-cookie', 'the browser has no login transaction cookie');
    }
    const taken = await this.#entries.take(`${browserKey}.${state}`);
    if ('value' in taken) return taken.value;
    if (taken.refused === 'spent') throw JamError.oauth2Refused('replayed', 'login transaction already used');
    const why =
      taken.refused === 'expired'
        ? 'login transaction expired'
        : 'no login transaction for this state and browser';
    throw JamError.oauth2Refused('unknown', why);
  }
}
