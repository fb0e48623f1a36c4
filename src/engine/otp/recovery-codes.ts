import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { JamError } from '../jam-error.js';

/** What `generateRecoveryCodes` returns: `codes[i]` hashes to `hashes[i]`. */
export interface RecoveryCodes {
  /** Show these to the user once (`xxxx-xxxx-xxxx-xxxx`); never store them. */
  codes: string[];
  /** Store these (SHA-256, base64url) and pass them to `useRecoveryCode`. */
  hashes: string[];
}

/**
 * Crockford's base32, lower case: no i, l, o or u, so nothing reads as another character; what people type
 * for them (i, l: 1; o: 0) is read so.
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const CHARS = 16; // 16 × 5 bits = 80 bits: too many to try, even against a fast hash of the codes
const GROUP = 4;
/** More codes than anyone prints; the same bound applies to the hashes `useRecoveryCode` takes. */
export const MAX_RECOVERY_CODES = 100;

/** `count` new recovery codes and the hashes to store in their place. */
export function generateRecoveryCodes(count = 10): RecoveryCodes {
  if (!Number.isInteger(count) || count < 1 || count > MAX_RECOVERY_CODES) {
    throw JamError.invalidArgument(
      `generateRecoveryCodes: count must be an integer from 1 to ${MAX_RECOVERY_CODES}`,
    );
  }
  const codes = Array.from({ length: count }, () => {
    // 256 is a multiple of 32: each byte's low 5 bits are uniform.
    const chars = [...randomBytes(CHARS)].map((byte) => ALPHABET[byte & 31]).join('');
    return chars.match(new RegExp(`.{${GROUP}}`, 'g'))!.join('-');
  });
  return { codes, hashes: codes.map((code) => digestOf(normalise(code)!).toString('base64url')) };
}

/**
 * The stored hash `code` matches, or undefined. Every hash is compared, in constant time, whatever matched:
 * the time taken says nothing about which hash, or how much of one, matched. Throws ERR_INVALID_ARGUMENT for
 * hashes that `generateRecoveryCodes` did not make.
 */
export function matchRecoveryCode(code: unknown, hashes: readonly string[]): string | undefined {
  const digests = checkHashes(hashes);
  const normalised = normalise(code);
  // A malformed code is compared too (as the hash of ''), so its refusal takes as long as a wrong one's.
  const given = digestOf(normalised ?? '');
  let found: string | undefined;
  digests.forEach((digest, i) => {
    if (timingSafeEqual(given, digest) && normalised !== undefined) found ??= hashes[i];
  });
  return found;
}

/** What the user typed, as generated: spaces, hyphens and case ignored, i/l read as 1 and o as 0. */
function normalise(code: unknown): string | undefined {
  if (typeof code !== 'string' || code.length > 64) return undefined;
  const clean = code.replace(/[\s-]/g, '').toLowerCase().replace(/[il]/g, '1').replace(/o/g, '0');
  return clean.length === CHARS && [...clean].every((c) => ALPHABET.includes(c)) ? clean : undefined;
}

function digestOf(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function checkHashes(hashes: readonly string[]): Buffer[] {
  if (!Array.isArray(hashes) || hashes.length > MAX_RECOVERY_CODES) {
    throw JamError.invalidArgument(
      `useRecoveryCode: hashes must be an array of at most ${MAX_RECOVERY_CODES} hashes from generateRecoveryCodes`,
    );
  }
  return hashes.map((hash) => {
    if (typeof hash !== 'string' || !/^[\w-]{43}$/.test(hash)) {
      throw JamError.invalidArgument(
        'useRecoveryCode: every hash must be one generateRecoveryCodes made (43 base64url characters)',
      );
    }
    return Buffer.from(hash, 'base64url');
  });
}
