import { storeKeyOf, tagOfSessionId } from './session-id.js';

/**
 * The store keys of a session key's entries. Redis Cluster hashes only what is inside the first `{…}`: the
 * records, the generation and the index of one session key share a slot, so one MGET reads any of them.
 */
function hashTag(tag: Buffer): string {
  return `{${tag.toString('base64url')}}`;
}

/** `s:{<tag>}<hash>`: a session's record; `hash` is the SHA-256 of its id (recordHash). */
export function recordKeyOf(tag: Buffer, hash: string): string {
  return `s:${hashTag(tag)}${hash}`;
}

export function recordKey(id: Buffer): string {
  return recordKeyOf(tagOfSessionId(id), recordHash(id));
}

/** What the store knows of an id: its SHA-256, so a dump of the store holds no usable session id. */
export function recordHash(id: Buffer): string {
  return storeKeyOf(id);
}

/** `g:{<tag>}`: the session key's current generation (absent until its first clear). */
export function generationKey(tag: Buffer): string {
  return `g:${hashTag(tag)}`;
}

/** `i:{<tag>}`: the index of the session key's sessions (session-index.ts). */
export function indexKey(tag: Buffer): string {
  return `i:${hashTag(tag)}`;
}

/**
 * A session's reference in events and its handle in listSessions: the first 16 characters (96 bits) of its
 * record hash. It names a session, never authenticates: the id cannot be derived from it.
 */
export function handleOf(hash: string): string {
  return hash.slice(0, HANDLE_LENGTH);
}

export const HANDLE_LENGTH = 16;
