import { hash, randomBytes } from 'node:crypto';
import { decodeCanonicalBase64url } from '../canonical-base64url.js';

/** A keyed tag of the session key (see SessionTagger): 128 bits, so two session keys never share one. */
export const SESSION_TAG_BYTES = 16;
/** 192 bits from the OS's CSPRNG: far beyond guessing. */
const RANDOM_BYTES = 24;
/** An id is the tag of its session key followed by the random part: 54 URL-safe characters. */
export const SESSION_ID_BYTES = SESSION_TAG_BYTES + RANDOM_BYTES;
const SESSION_ID = new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((SESSION_ID_BYTES * 4) / 3)}}$`);

export function newSessionId(tag: Buffer): Buffer {
  return Buffer.concat([tag, randomBytes(RANDOM_BYTES)]);
}

/** The id's bytes when `id` has the shape of a plain session id, else undefined (no store lookup needed). */
export function parseSessionId(id: string): Buffer | undefined {
  return SESSION_ID.test(id) ? decodeCanonicalBase64url(id) : undefined;
}

/** The tag an id carries: it names the generation entry the id's record is checked against. */
export function tagOfSessionId(id: Buffer): Buffer {
  return id.subarray(0, SESSION_TAG_BYTES);
}

/** The store key of a value: a SHA-256, so a dump of the store holds no usable session id. */
export function storeKeyOf(value: Buffer | string): string {
  return hash('sha256', value, 'base64url');
}
