import { JamError } from '../jam-error.js';
import { publish } from '../jam-events.js';
import type { PasskeyCeremony } from './passkey-challenges.js';
import type { PasskeyCredential, PasskeyUser } from './passkey-credential.js';

/** Checks of what the browser and the application hand the passkey service. */

/** The browser's answer, as `@simplewebauthn/browser` sends it; anything else is refused before any work. */
export function checkAnswer(
  answer: unknown,
  ceremony: PasskeyCeremony,
): { id: string; response: { userHandle?: unknown } } {
  const candidate = answer as { id?: unknown; rawId?: unknown; response?: unknown } | null;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    typeof candidate.id !== 'string' ||
    !/^[A-Za-z0-9_-]{1,1366}$/.test(candidate.id) ||
    candidate.response === null ||
    typeof candidate.response !== 'object'
  ) {
    throw JamError.passkeyRefused(
      'ERR_PASSKEY_INVALID',
      ceremony,
      'the answer is not a public key credential',
    );
  }
  return candidate as { id: string; response: { userHandle?: unknown } };
}

/**
 * The WebAuthn counter check (§6.1.1): a counter that does not move forward means two authenticators hold
 * the key. Done after the signature so a forged answer cannot raise the alarm, and reported with the facts
 * (on `passkey.counter` and in the error's detail).
 */
export function checkCounter(credential: PasskeyCredential, received: number): void {
  if ((received > 0 || credential.counter > 0) && received <= credential.counter) {
    const { id: credentialId, userId, counter: stored } = credential;
    publish('passkey.counter', () => ({ userId, credentialId, stored, received }));
    throw JamError.passkeyRefused(
      'ERR_PASSKEY_COUNTER',
      'authentication',
      `the signature counter went from ${stored} to ${received} (possibly a cloned authenticator)`,
      {
        detail: { credentialId, userId, stored, received },
      },
    );
  }
}

/** A discoverable sign-in names its account: it must be the credential's owner. */
export function checkUserHandle(
  response: { response: { userHandle?: unknown } },
  credential: PasskeyCredential,
): void {
  const handle = response.response.userHandle;
  if (handle === undefined || handle === null || handle === '') return;
  if (handle !== Buffer.from(credential.userId, 'utf8').toString('base64url')) {
    throw JamError.passkeyRefused(
      'ERR_PASSKEY_INVALID',
      'authentication',
      'the user handle is not the credential owner',
    );
  }
}

export function checkUser(user: PasskeyUser): PasskeyUser {
  const { id, name, displayName } = (user ?? {}) as Partial<PasskeyUser>;
  if (typeof id !== 'string' || id === '' || Buffer.byteLength(id) > 64)
    throw JamError.invalidArgument('passkeys: the user id must be a non-empty string of at most 64 bytes');
  if (typeof name !== 'string' || name === '')
    throw JamError.invalidArgument('passkeys: the user name must be a non-empty string');
  if (displayName !== undefined && typeof displayName !== 'string')
    throw JamError.invalidArgument('passkeys: the user display name must be a string');
  return { id, name, displayName };
}

export function checkCredentials(credentials: PasskeyCredential[]): PasskeyCredential[] {
  if (!Array.isArray(credentials)) throw JamError.invalidArgument('passkeys: credentials must be an array');
  for (const credential of credentials) {
    if (
      typeof credential?.id !== 'string' ||
      typeof credential.userId !== 'string' ||
      typeof credential.publicKey !== 'string' ||
      !Number.isSafeInteger(credential.counter) ||
      credential.counter < 0
    )
      throw JamError.invalidArgument(
        'passkeys: a stored credential lacks id, userId, publicKey or a counter >= 0',
      );
  }
  return credentials;
}
