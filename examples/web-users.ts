import { randomUUID } from 'node:crypto';
import { hashPassword, needsRehash, verifyPassword, type PasskeyCredential } from 'koa-jam';

export interface WebUser {
  /** Opaque and stable: passkeys store it on the authenticator, so it is not the user name. */
  id: string;
  username: string;
  passwordHash: string;
  /** Set once the user has confirmed an authenticator app with a first code. */
  otpSecret?: string;
  /** The hashes of the user's unused recovery codes (the codes themselves are shown once, never kept). */
  recoveryHashes?: string[];
}

/** The example's user database, in memory. Passwords are kept only as hashes. */
export class WebUsers {
  readonly #users: Map<string, WebUser>;
  /** The passkeys table, by credential id. */
  readonly #passkeys = new Map<string, PasskeyCredential>();
  /** Checked for unknown names, so the time a login takes does not tell which names exist. */
  readonly #decoyHash: string;

  private constructor(users: WebUser[], decoyHash: string) {
    this.#users = new Map(users.map((user) => [user.username, user]));
    this.#decoyHash = decoyHash;
  }

  static async create(passwords: Record<string, string>): Promise<WebUsers> {
    const users = await Promise.all(
      Object.entries(passwords).map(async ([username, password]) => ({
        id: randomUUID(),
        username,
        passwordHash: await hashPassword(password),
      })),
    );
    return new WebUsers(users, await hashPassword('decoy password'));
  }

  get(username: string): WebUser | undefined {
    return this.#users.get(username);
  }

  /** The user when the password is right; the hash is renewed when it was made with older parameters. */
  async check(username: unknown, password: unknown): Promise<WebUser | undefined> {
    const user = typeof username === 'string' ? this.#users.get(username) : undefined;
    const ok = await verifyPassword(password, user?.passwordHash ?? this.#decoyHash);
    if (!user || !ok) return undefined;
    if (needsRehash(user.passwordHash)) user.passwordHash = await hashPassword(password as string);
    return user;
  }

  enableOtp(username: string, secret: string): void {
    this.#users.get(username)!.otpSecret = secret;
  }

  setRecoveryHashes(username: string, hashes: string[]): void {
    this.#users.get(username)!.recoveryHashes = hashes;
  }

  /** A used recovery code's hash is removed: the user has one code fewer. */
  removeRecoveryHash(username: string, hash: string): void {
    const user = this.#users.get(username)!;
    user.recoveryHashes = user.recoveryHashes?.filter((stored) => stored !== hash);
  }

  byId(id: string): WebUser | undefined {
    return [...this.#users.values()].find((user) => user.id === id);
  }

  async passkeysOf(userId: string): Promise<PasskeyCredential[]> {
    return [...this.#passkeys.values()].filter((passkey) => passkey.userId === userId);
  }

  async passkey(id: string): Promise<PasskeyCredential | undefined> {
    return this.#passkeys.get(id);
  }

  async savePasskey(passkey: PasskeyCredential): Promise<void> {
    this.#passkeys.set(passkey.id, passkey);
  }

  /** Removes one of the user's own passkeys; false when they have none by that id. */
  removePasskey(userId: string, id: string): boolean {
    return this.#passkeys.get(id)?.userId === userId && this.#passkeys.delete(id);
  }
}
