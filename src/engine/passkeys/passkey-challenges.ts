import { hash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { JamError } from '../jam-error.js';
import type { JamStore } from '../store/jam-store.js';

export type PasskeyCeremony = 'registration' | 'authentication';

interface ChallengeRecord {
  ceremony: PasskeyCeremony;
  /** The user the challenge was issued for; null for a sign-in that lets the authenticator pick the account. */
  userId: string | null;
  expiresAt: number;
}

/** 32 random bytes in base64url, nothing else: anything else was never issued here. */
const CHALLENGE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * WebAuthn challenges kept on a JamStore between the options and the browser's answer. Each is random,
 * expires, belongs to one ceremony and user, and can be spent once: of several processes handed the same
 * answer, only the one that wins the store's atomic claim goes on.
 */
export class PasskeyChallenges {
  readonly #store: JamStore;
  readonly #lifetimeMs: number;
  readonly #clock: Clock;

  constructor(store: JamStore, lifetimeMs: number, clock: Clock) {
    this.#clock = clock;
    this.#store = store;
    this.#lifetimeMs = lifetimeMs;
  }

  async issue(ceremony: PasskeyCeremony, userId: string | null): Promise<string> {
    const challenge = randomBytes(32).toString('base64url');
    const record: ChallengeRecord = { ceremony, userId, expiresAt: this.#clock.now() + this.#lifetimeMs };
    await this.#store.set(`challenge:${storeKey(challenge)}`, record, this.#lifetimeMs);
    return challenge;
  }

  /**
   * Spends `challenge` for `ceremony`; resolves to the user it was issued for. Throws ERR_PASSKEY_CHALLENGE
   * when it is unknown, expired, already spent or issued for another ceremony.
   */
  async spend(challenge: string, ceremony: PasskeyCeremony): Promise<string | null> {
    if (!CHALLENGE_SHAPE.test(challenge))
      throw JamError.passkeyRefused('ERR_PASSKEY_CHALLENGE', ceremony, 'the challenge was not issued here');
    const key = storeKey(challenge);
    const record = await this.#store.get<ChallengeRecord>(`challenge:${key}`);
    if (record === undefined)
      throw JamError.passkeyRefused(
        'ERR_PASSKEY_CHALLENGE',
        ceremony,
        'the challenge is unknown, expired or already used',
      );
    // Claimed before anything else is checked, so a refused attempt also uses the challenge up.
    if (!(await this.#store.claim(`spent:${key}`, this.#lifetimeMs)))
      throw JamError.passkeyRefused('ERR_PASSKEY_CHALLENGE', ceremony, 'the challenge was already used');
    await this.#store.delete(`challenge:${key}`);
    // Stores expire entries on their own clocks; the issuing time is what counts.
    if (this.#clock.now() >= record.expiresAt)
      throw JamError.passkeyRefused('ERR_PASSKEY_CHALLENGE', ceremony, 'the challenge has expired');
    if (record.ceremony !== ceremony)
      throw JamError.passkeyRefused(
        'ERR_PASSKEY_CHALLENGE',
        ceremony,
        `the challenge was issued for ${record.ceremony}`,
      );
    return record.userId;
  }
}

/** Store keys are hashes: a dump of the store holds no challenge an attacker could still answer. */
function storeKey(challenge: string): string {
  return hash('sha256', challenge, 'base64url');
}
