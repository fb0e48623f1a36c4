import { hash, randomBytes } from 'node:crypto';

/** 192 bits from the OS's CSPRNG: far beyond guessing, and 32 URL-safe characters. */
export const SESSION_ID_BYTES = 24;
const SESSION_ID = /^[A-Za-z0-9_-]{32}$/;

export function newSessionId(): Buffer {
  return randomBytes(SESSION_ID_BYTES);
}

/** The id's bytes when `id` has the shape of a plain session id, else undefined (no store lookup needed). */
export function parseSessionId(id: string): Buffer | undefined {
  return SESSION_ID.test(id) ? Buffer.from(id, 'base64url') : undefined;
}

/** The store key of a value: a SHA-256, so a dump of the store holds no usable session id. */
export function storeKeyOf(value: Buffer | string): string {
  return hash('sha256', value, 'base64url');
}
