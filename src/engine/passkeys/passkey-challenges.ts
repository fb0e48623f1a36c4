import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';
import { JamError } from '../jam-error.js';
import type { JamStore } from '../store/jam-store.js';
import { SingleUseEntries, type TakeRefusal } from '../store/single-use-entries.js';

export type PasskeyCeremony = 'registration' | 'authentication';

interface ChallengeRecord {
  ceremony: PasskeyCeremony;
  /** The user the challenge was issued for; null for a sign-in that lets the authenticator pick the account. */
  userId: string | null;
}

/** 32 random bytes in base64url, nothing else: anything else was never issued here. */
const CHALLENGE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

const REFUSED: Record<TakeRefusal, string> = {
  unknown: 'the challenge is unknown, expired or already used',
  spent: 'the challenge was already used',
  expired: 'the challenge has expired',
};

/**
 * WebAuthn challenges kept on a JamStore between the options and the browser's answer. Each is random,
 * expires, belongs to one ceremony and user, and can be spent once: of several processes handed the same
 * answer, only the one that wins the store's atomic claim goes on.
 */
export class PasskeyChallenges {
  readonly #entries: SingleUseEntries<ChallengeRecord>;

  constructor(store: JamStore, lifetimeMs: number, clock: Clock) {
    this.#entries = new SingleUseEntries(store, 'challenge', lifetimeMs, clock);
  }

  async issue(ceremony: PasskeyCeremony, userId: string | null): Promise<string> {
    const challenge = randomBytes(32).toString('base64url');
    await this.#entries.put(challenge, { ceremony, userId });
    return challenge;
  }

  /**
   * Spends `challenge` for `ceremony`; resolves to the user it was issued for. Throws ERR_PASSKEY_CHALLENGE
   * when it is unknown, expired, already spent or issued for another ceremony.
   */
  async spend(challenge: string, ceremony: PasskeyCeremony): Promise<string | null> {
    if (!CHALLENGE_SHAPE.test(challenge))
      throw JamError.passkeyRefused('ERR_PASSKEY_CHALLENGE', ceremony, 'the challenge was not issued here');
    // Taken before anything else is checked, so a refused attempt also uses the challenge up.
    const taken = await this.#entries.take(challenge);
    if (!('value' in taken))
      throw JamError.passkeyRefused('ERR_PASSKEY_CHALLENGE', ceremony, REFUSED[taken.refused]);
    if (taken.value.ceremony !== ceremony)
      throw JamError.passkeyRefused(
        'ERR_PASSKEY_CHALLENGE',
        ceremony,
        `the challenge was issued for ${taken.value.ceremony}`,
      );
    return taken.value.userId;
  }
}
