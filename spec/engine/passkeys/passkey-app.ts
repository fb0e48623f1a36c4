import type { PasskeyCredential, PasskeyCredentialLookup } from 'koa-jam';

/** The application's side of passkeys in the specs: its credential table, in memory. */
export class PasskeyTable implements PasskeyCredentialLookup {
  readonly rows = new Map<string, PasskeyCredential>();
  saves = 0;

  async findCredential(id: string): Promise<PasskeyCredential | undefined> {
    return this.rows.get(id);
  }

  async saveCredential(credential: PasskeyCredential): Promise<void> {
    this.saves++;
    this.rows.set(credential.id, credential);
  }

  async listCredentials(userId: string): Promise<PasskeyCredential[]> {
    return [...this.rows.values()].filter((row) => row.userId === userId);
  }
}

export const ORIGIN = 'https://login.example.com';
export const PASSKEYS = { rpId: 'example.com', rpName: 'Example', origins: [ORIGIN] };
export const ALICE = { id: 'user-1', name: 'alice@example.com', displayName: 'Alice' };
export const BOB = { id: 'user-2', name: 'bob@example.com' };
