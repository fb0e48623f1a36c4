/**
 * A passkey as the application stores it (one row per credential, in its own database). JSON-safe:
 * binary values are base64url strings and dates ISO 8601 strings.
 */
export interface PasskeyCredential {
  /** The credential id (base64url), unique: look credentials up by it at sign-in. */
  id: string;
  /** The user it belongs to (`PasskeyUser.id`). */
  userId: string;
  /** The COSE public key (base64url). */
  publicKey: string;
  /** The authenticator's signature counter at its last use; 0 for authenticators without one. */
  counter: number;
  /** How the browser can reach the authenticator (`internal`, `usb`, `hybrid`, ...), passed back as hints. */
  transports: string[];
  createdAt: string;
  lastUsedAt: string | null;
  /** True when the credential is backed up (synced to the user's other devices). */
  backedUp: boolean;
  /** `multiDevice` credentials can be backed up; `singleDevice` ones never leave the authenticator. */
  deviceType: 'singleDevice' | 'multiDevice';
}

/** The account a passkey is registered for. */
export interface PasskeyUser {
  /** A stable, opaque id (at most 64 bytes): authenticators keep it, so it should not be an e-mail address. */
  id: string;
  /** The account name shown when choosing a passkey (a user name or e-mail address). */
  name: string;
  /** A friendlier name some authenticators show. Default: `name`. */
  displayName?: string;
}

/** The application's credential storage, for sign-in: koa-jam reads the credential and saves its new counter. */
export interface PasskeyCredentialLookup {
  /** The stored credential with this id (base64url), or null/undefined when there is none. */
  findCredential(id: string): Promise<PasskeyCredential | null | undefined>;
  /** Stores the credential as given (after a sign-in: its new counter and `lastUsedAt`). */
  saveCredential(credential: PasskeyCredential): Promise<void>;
}

/** A verified sign-in: the user, and their credential as saved (new counter, `lastUsedAt`, backup state). */
export interface PasskeyLogin {
  userId: string;
  credential: PasskeyCredential;
}

/** What `navigator.credentials.create()` / `.get()` take, as JSON (`@simplewebauthn/browser` reads it). */
export interface PasskeyOptionsJSON {
  challenge: string;
  [member: string]: unknown;
}
