import { JamError } from '../jam-error.js';
import { checkScryptParams, type ScryptParams } from './scrypt-params.js';

/** A stored password hash, taken apart. */
export interface ParsedPasswordHash {
  params: ScryptParams;
  salt: Buffer;
  hash: Buffer;
}

// The PHC string format: $scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>, base64 without padding.
const PHC_SCRYPT =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,128})\$([A-Za-z0-9+/]{16,128})$/;

export function formatPasswordHash({ params, salt, hash }: ParsedPasswordHash): string {
  const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');
  const { cost, blockSize, parallelization } = params;
  return `$scrypt$ln=${Math.log2(cost)},r=${blockSize},p=${parallelization}$${b64(salt)}$${b64(hash)}`;
}

export function parsePasswordHash(stored: unknown): ParsedPasswordHash {
  const parts = typeof stored === 'string' ? PHC_SCRYPT.exec(stored) : null;
  if (parts === null) {
    throw JamError.invalidArgument('not a koa-jam password hash ($scrypt$ln=…,r=…,p=…$salt$hash)');
  }
  const [, ln, r, p, salt, hash] = parts;
  return {
    params: checkScryptParams(
      { cost: 2 ** Number(ln), blockSize: Number(r), parallelization: Number(p) },
      'stored password hash',
    ),
    salt: Buffer.from(salt, 'base64'),
    hash: Buffer.from(hash, 'base64'),
  };
}
