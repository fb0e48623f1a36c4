import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { JamError } from '../jam-error.js';
import type { JamStore } from '../store/jam-store.js';
import { SESSION_TAG_BYTES } from './session-id.js';

const TAG_KEY_BYTES = 32;
/** The store entry that holds the tag key when no `session.encryptionKey` is configured. */
const TAG_KEY_ENTRY = 'tag-key';
const FOREVER = 0;

/**
 * Tags a session key with HMAC-SHA256 under a secret key, so every id of one session key carries the same tag
 * (its record and its generation then share a Redis Cluster hash slot, and one MGET reads both) while the tag
 * tells nothing about the session key to whoever lacks the secret. The key is derived from
 * `session.encryptionKey` when one is set; otherwise the first process claims a random one in the store and
 * every process sharing that store reads it once.
 */
export class SessionTagger {
  readonly #store: JamStore;
  #key: Promise<Buffer> | undefined;

  constructor(store: JamStore, encryptionKey: Buffer | undefined) {
    this.#store = store;
    if (encryptionKey) {
      this.#key = Promise.resolve(
        Buffer.from(hkdfSync('sha256', encryptionKey, '', 'koa-jam session tag', TAG_KEY_BYTES)),
      );
    }
  }

  async tag(sessionKey: string): Promise<Buffer> {
    const key = await (this.#key ??= this.#sharedKey());
    return createHmac('sha256', key).update(sessionKey).digest().subarray(0, SESSION_TAG_BYTES);
  }

  #sharedKey(): Promise<Buffer> {
    const loaded = (async () => {
      await this.#store.claim(TAG_KEY_ENTRY, FOREVER, randomBytes(TAG_KEY_BYTES).toString('base64url'));
      // Whoever won the claim, every process uses the one key the store kept.
      const stored = await this.#store.get<string>(TAG_KEY_ENTRY);
      const key = typeof stored === 'string' ? Buffer.from(stored, 'base64url') : undefined;
      if (key?.length !== TAG_KEY_BYTES) {
        throw JamError.storeUnavailable('session store', 'read', `the entry ${TAG_KEY_ENTRY} is damaged`);
      }
      return key;
    })();
    // A failed load (an outage) is retried by the next call rather than remembered.
    loaded.catch(() => (this.#key = undefined));
    return loaded;
  }
}
