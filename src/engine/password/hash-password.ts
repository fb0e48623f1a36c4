import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { JamError } from '../jam-error.js';
import { formatPasswordHash, parsePasswordHash } from './password-hash-format.js';
import { checkScryptParams, scryptMaxmem, type ScryptParams } from './scrypt-params.js';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  length: number,
  options: ScryptParams & { maxmem: number },
) => Promise<Buffer>;

const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** Longer input is refused: it adds no strength and would let a client make the server hash megabytes. */
const MAX_PASSWORD_BYTES = 1024;

/**
 * A self-describing scrypt hash in the PHC string format (`$scrypt$ln=15,r=8,p=3$<salt>$<hash>`), with a
 * random salt. Runs on libuv's thread pool, so it does not block the event loop.
 */
export async function hashPassword(password: string, params?: Partial<ScryptParams>): Promise<string> {
  if (typeof password !== 'string' || password === '') {
    throw JamError.invalidArgument('hashPassword: the password must be a non-empty string');
  }
  const input = normalized(password);
  if (input === undefined) {
    throw JamError.invalidArgument(`hashPassword: passwords are limited to ${MAX_PASSWORD_BYTES} bytes`);
  }
  const checked = checkScryptParams(params, 'hashPassword');
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(input, salt, checked, HASH_BYTES);
  return formatPasswordHash({ params: checked, salt, hash });
}

/**
 * True when `password` matches the stored hash, compared in constant time. A password that is not a string
 * or is too long is simply wrong; a stored value that is not a koa-jam hash throws ERR_INVALID_ARGUMENT.
 */
export async function verifyPassword(password: unknown, stored: string): Promise<boolean> {
  const { params, salt, hash } = parsePasswordHash(stored);
  if (typeof password !== 'string') return false;
  const input = normalized(password);
  if (input === undefined) return false;
  return timingSafeEqual(await derive(input, salt, params, hash.length), hash);
}

/**
 * True when the stored hash was made with other parameters than `params` (default: the current defaults):
 * after a successful verifyPassword, hash the password again and store the new hash.
 */
export function needsRehash(stored: string, params?: Partial<ScryptParams>): boolean {
  const current = checkScryptParams(params, 'needsRehash');
  const found = parsePasswordHash(stored);
  return (
    found.params.cost !== current.cost ||
    found.params.blockSize !== current.blockSize ||
    found.params.parallelization !== current.parallelization ||
    found.salt.length !== SALT_BYTES ||
    found.hash.length !== HASH_BYTES
  );
}

/**
 * The same password typed on different systems can arrive in different Unicode forms (NIST SP 800-63B);
 * undefined when too long. The length is checked first too, in UTF-16 units (never more than the UTF-8
 * bytes of the normalised form): NFKC over a long input blocks the event loop (U+FDFA expands 18-fold).
 */
function normalized(password: string): string | undefined {
  if (password.length > MAX_PASSWORD_BYTES) return undefined;
  const input = password.normalize('NFKC');
  return Buffer.byteLength(input) > MAX_PASSWORD_BYTES ? undefined : input;
}

function derive(password: string, salt: Buffer, params: ScryptParams, length: number): Promise<Buffer> {
  return scryptAsync(password, salt, length, { ...params, maxmem: scryptMaxmem(params) });
}
