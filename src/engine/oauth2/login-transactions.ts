import { hash, randomBytes } from 'node:crypto';
import { JamError } from '../jam-error.js';
import type { JamStore } from '../store/jam-store.js';

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
 * A transaction is used at most once, even by racing callbacks, and expires with the store entry (Keyv checks
 * the expiry on every read, whatever the backend).
 */
export class LoginTransactions {
  readonly #store: JamStore;
  readonly #ttlMs: number;

  constructor(store: JamStore, ttlMs: number) {
    this.#store = store;
    this.#ttlMs = ttlMs;
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  /** The browser's key: the one it already has when well-formed (parallel logins), else a new one. */
  browserKey(existing?: string): string {
    return existing !== undefined && BROWSER_KEY.test(existing)
      ? existing
      : randomBytes(32).toString('base64url');
  }

  async save(browserKey: string, transaction: LoginTransaction): Promise<void> {
    await this.#store.set(keyOf(browserKey, transaction.state), transaction, this.#ttlMs);
  }

  /** The transaction, removed; ERR_OAUTH2 when there is none for this browser and state (wrong, spent or expired). */
  async take(browserKey: string | undefined, state: string | null): Promise<LoginTransaction> {
    if (!state) throw JamError.oauth2Refused('no-state', 'the callback has no state');
    if (browserKey === undefined || !BROWSER_KEY.test(browserKey)) {
      throw JamError.oauth2Refused('no-cookie', 'the browser has no login transaction cookie');
    }
    const key = keyOf(browserKey, state);
    const transaction = await this.#store.get<LoginTransaction>(key);
    if (transaction === undefined)
      throw JamError.oauth2Refused('unknown', 'no login transaction for this state and browser');
    // Racing callbacks (a replayed URL) may all read it; exactly one claims it.
    if (!(await this.#store.claim(`used:${key}`, this.#ttlMs)))
      throw JamError.oauth2Refused('replayed', 'login transaction already used');
    await this.#store.delete(key);
    return transaction;
  }
}

function keyOf(browserKey: string, state: string): string {
  return `tx:${hash('sha256', `${browserKey}.${state}`, 'base64url')}`;
}
