import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * A JSON value sealed with AES-256-GCM under a key derived (HKDF-SHA256) from a token: whoever reads the
 * store holding it learns nothing without that token. `context` (e.g. the token's `jti`) is bound in as
 * additional data. For the pair a spent refresh token was exchanged for (jwt.refreshReuseInterval).
 */
export function sealByToken(value: unknown, token: string, context: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyOf(token), nonce).setAAD(Buffer.from(context));
  const plain = Buffer.from(JSON.stringify(value));
  return Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]).toString(
    'base64url',
  );
}

/** The sealed value, or undefined when `sealed` was not sealed with this token and context. */
export function openByToken<T>(sealed: unknown, token: string, context: string): T | undefined {
  if (typeof sealed !== 'string') return undefined;
  const bytes = Buffer.from(sealed, 'base64url');
  if (bytes.length <= NONCE_BYTES + TAG_BYTES) return undefined;
  const decipher = createDecipheriv('aes-256-gcm', keyOf(token), bytes.subarray(0, NONCE_BYTES), {
    authTagLength: TAG_BYTES,
  })
    .setAAD(Buffer.from(context))
    .setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    const plain = Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, -TAG_BYTES)), decipher.final()]);
    return JSON.parse(plain.toString()) as T;
  } catch {
    return undefined;
  }
}

function keyOf(token: string): Buffer {
  return Buffer.from(hkdfSync('sha256', token, '', 'koa-jam sealed by token v1', 32));
}
