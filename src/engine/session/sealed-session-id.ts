import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { decodeCanonicalBase64url } from '../canonical-base64url.js';
import { SESSION_ID_BYTES } from './session-id.js';

const PREFIX = 's1.';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const SEALED_CHARS = Math.ceil(((NONCE_BYTES + SESSION_ID_BYTES + TAG_BYTES) * 4) / 3);
const SEALED = new RegExp(`^${PREFIX.replace('.', '\\.')}[A-Za-z0-9_-]{${SEALED_CHARS}}$`);
/** Authenticated but not encrypted: binds a sealed value to its purpose and format version. */
const AAD = Buffer.from('koa-jam session id v1');

/**
 * Seals session ids with AES-256-GCM: `s1.` + base64url(12-byte random nonce ‖ encrypted id ‖ 16-byte tag).
 * A forged, altered or foreign id fails authentication and is refused without a store lookup.
 * The AES key is derived from the configured key with HKDF-SHA256, so that key can serve other purposes later.
 */
export class SealedSessionId {
  readonly #key: Buffer;

  constructor(encryptionKey: Buffer) {
    this.#key = Buffer.from(hkdfSync('sha256', encryptionKey, '', 'koa-jam session id', 32));
  }

  seal(id: Buffer): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce).setAAD(AAD);
    const sealed = Buffer.concat([nonce, cipher.update(id), cipher.final(), cipher.getAuthTag()]);
    return PREFIX + sealed.toString('base64url');
  }

  /** The id's bytes, or undefined when `value` is not a sealed id made with this key. */
  unseal(value: string): Buffer | undefined {
    if (!SEALED.test(value)) return undefined;
    const sealed = decodeCanonicalBase64url(value.slice(PREFIX.length));
    if (sealed === undefined) return undefined;
    const nonce = sealed.subarray(0, NONCE_BYTES);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, nonce, { authTagLength: TAG_BYTES })
      .setAAD(AAD)
      .setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, -TAG_BYTES)), decipher.final()]);
    } catch {
      return undefined;
    }
  }
}
