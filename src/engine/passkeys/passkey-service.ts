import type { Clock } from '../clock.js';
import { isJamError, JamError } from '../jam-error.js';
import { publish } from '../jam-events.js';
import type { JamStore } from '../store/jam-store.js';
import { openStore } from '../store/open-store.js';
import { PasskeyChallenges, type PasskeyCeremony } from './passkey-challenges.js';
import { checkAnswer, checkCounter, checkCredentials, checkUser, checkUserHandle } from './passkey-checks.js';
import type {
  PasskeyCredential,
  PasskeyCredentialLookup,
  PasskeyLogin,
  PasskeyOptionsJSON,
  PasskeyUser,
} from './passkey-credential.js';
import type { ResolvedPasskeyOptions } from './passkey-options.js';
import { loadWebAuthn, type WebAuthnLibrary } from './webauthn-library.js';

/**
 * The two WebAuthn ceremonies for one Jam instance, over @simplewebauthn/server; knows nothing of HTTP.
 * Attestation is not asked for ('none'): the signature, challenge, origin, RP id, user presence and
 * verification are what prove a sign-in, and credentials stay the application's data.
 */
export class PasskeyService {
  readonly #options: ResolvedPasskeyOptions;
  readonly #challenges: PasskeyChallenges;
  readonly #webauthn: WebAuthnLibrary;
  readonly #store: JamStore;
  readonly #clock: Clock;

  constructor(options: ResolvedPasskeyOptions, clock: Clock) {
    this.#clock = clock;
    this.#options = options;
    this.#webauthn = loadWebAuthn();
    this.#store = openStore(options.store, {
      path: 'passkeys.store',
      purpose: 'passkey challenge store',
      prefix: 'jam:passkey:',
      timeoutMs: options.storeTimeoutMs,
      clock,
    });
    this.#challenges = new PasskeyChallenges(this.#store, options.challengeLifetimeMs, clock);
  }

  relyingParty(): { id: string; name: string; origins: string[] } {
    const { rpId, rpName, origins } = this.#options;
    return { id: rpId, name: rpName, origins: [...origins] };
  }

  async registrationOptions(
    user: PasskeyUser,
    existing: PasskeyCredential[] = [],
  ): Promise<PasskeyOptionsJSON> {
    const { id, name, displayName = name } = checkUser(user);
    const challenge = await this.#challenges.issue('registration', id);
    return (await this.#webauthn.generateRegistrationOptions({
      rpName: this.#options.rpName,
      rpID: this.#options.rpId,
      userID: Buffer.from(id, 'utf8'),
      userName: name,
      userDisplayName: displayName,
      challenge: Buffer.from(challenge, 'base64url'),
      timeout: this.#options.challengeLifetimeMs,
      attestationType: 'none',
      excludeCredentials: checkCredentials(existing).map(({ id, transports }) => ({ id, transports })),
      authenticatorSelection: { residentKey: 'required', userVerification: this.#options.userVerification },
    })) as unknown as PasskeyOptionsJSON;
  }

  /** The new credential, for the application to save; throws ERR_PASSKEY_INVALID / ERR_PASSKEY_CHALLENGE. */
  async verifyRegistration(user: PasskeyUser, answer: unknown): Promise<PasskeyCredential> {
    const { id: userId } = checkUser(user);
    const result = await this.#verify('registration', () =>
      this.#webauthn.verifyRegistrationResponse({
        response: checkAnswer(answer, 'registration') as never,
        expectedChallenge: this.#spender('registration', (issuedFor) => issuedFor === userId),
        expectedOrigin: this.#options.origins,
        expectedRPID: this.#options.rpId,
        requireUserVerification: this.#options.userVerification === 'required',
      }),
    );
    if (!result.verified)
      throw JamError.passkeyRefused('ERR_PASSKEY_INVALID', 'registration', 'the attestation did not verify');
    const { credential, credentialBackedUp, credentialDeviceType } = result.registrationInfo;
    publish('passkey.registered', () => ({ userId, credentialId: credential.id }));
    return {
      id: credential.id,
      userId,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports: credential.transports ?? [],
      createdAt: new Date(this.#clock.now()).toISOString(),
      lastUsedAt: null,
      backedUp: credentialBackedUp,
      deviceType: credentialDeviceType,
    };
  }

  /** With `userId`: that user's credentials only; without: the authenticator offers its passkeys for this site. */
  async loginOptions(userId?: string, credentials: PasskeyCredential[] = []): Promise<PasskeyOptionsJSON> {
    if (userId !== undefined) checkUser({ id: userId, name: userId });
    const challenge = await this.#challenges.issue('authentication', userId ?? null);
    return (await this.#webauthn.generateAuthenticationOptions({
      rpID: this.#options.rpId,
      challenge: Buffer.from(challenge, 'base64url'),
      timeout: this.#options.challengeLifetimeMs,
      userVerification: this.#options.userVerification,
      allowCredentials: checkCredentials(credentials).map(({ id, transports }) => ({ id, transports })),
    })) as unknown as PasskeyOptionsJSON;
  }

  /**
   * Verifies a sign-in and saves the credential's new counter through `lookup`. Throws ERR_PASSKEY_INVALID,
   * ERR_PASSKEY_CHALLENGE, or ERR_PASSKEY_COUNTER when the counter did not move forward (a cloned
   * authenticator, or a replay of an old signature).
   */
  async verifyLogin(answer: unknown, lookup: PasskeyCredentialLookup): Promise<PasskeyLogin> {
    const response = checkAnswer(answer, 'authentication');
    const stored = await lookup.findCredential(response.id);
    if (!stored) throw JamError.passkeyRefused('ERR_PASSKEY_INVALID', 'authentication', 'unknown credential');
    const [credential] = checkCredentials([stored]);
    const result = await this.#verify('authentication', () =>
      this.#webauthn.verifyAuthenticationResponse({
        response: response as never,
        expectedChallenge: this.#spender('authentication', (issuedFor) =>
          [null, credential.userId].includes(issuedFor),
        ),
        expectedOrigin: this.#options.origins,
        expectedRPID: this.#options.rpId,
        // The counter is compared below, once the signature is known to be good (see checkCounter).
        credential: {
          id: credential.id,
          publicKey: Buffer.from(credential.publicKey, 'base64url'),
          counter: 0,
        },
        requireUserVerification: this.#options.userVerification === 'required',
      }),
    );
    if (!result.verified)
      throw JamError.passkeyRefused('ERR_PASSKEY_INVALID', 'authentication', 'the signature did not verify');
    const info = result.authenticationInfo;
    checkUserHandle(response, credential);
    checkCounter(credential, info.newCounter);
    const updated: PasskeyCredential = {
      ...credential,
      counter: info.newCounter,
      lastUsedAt: new Date(this.#clock.now()).toISOString(),
      backedUp: info.credentialBackedUp,
      deviceType: info.credentialDeviceType,
    };
    await lookup.saveCredential(updated);
    publish('passkey.used', () => ({ userId: credential.userId, credentialId: credential.id }));
    return { userId: credential.userId, credential: updated };
  }

  async close(): Promise<void> {
    await this.#store.close();
  }

  /** The challenge check handed to the library: spends it, and it must have been issued for this user. */
  #spender(ceremony: PasskeyCeremony, forUser: (issuedFor: string | null) => boolean) {
    return async (challenge: string) => {
      if (!forUser(await this.#challenges.spend(challenge, ceremony)))
        throw JamError.passkeyRefused(
          'ERR_PASSKEY_CHALLENGE',
          ceremony,
          'the challenge was issued for another user',
        );
      return true;
    };
  }

  /** The library throws plain Errors for every refusal (origin, RP id, flags, malformed data). */
  async #verify<T>(ceremony: PasskeyCeremony, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (isJamError(err)) throw err;
      throw JamError.passkeyRefused(
        'ERR_PASSKEY_INVALID',
        ceremony,
        (err as Error)?.message ?? 'malformed answer',
        {
          cause: err,
        },
      );
    }
  }
}
