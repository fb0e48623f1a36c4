import { randomBytes } from 'node:crypto';
import { JamError } from '../jam-error.js';
import { decodeBase32, encodeBase32 } from './base32.js';

/** A shared secret: base32 text, as authenticator apps show it, or its bytes. */
export type OtpSecret = string | Uint8Array;

/** RFC 4226 R6: the shared secret MUST be at least 128 bits. */
const MIN_SECRET_BYTES = 16;

/** A new random secret for enrolment: 20 bytes (160 bits, RFC 4226's recommendation) as unpadded base32. */
export function generateOtpSecret(bytes = 20): string {
  if (!Number.isInteger(bytes) || bytes < MIN_SECRET_BYTES || bytes > 1024) {
    throw JamError.invalidArgument(`generateOtpSecret: bytes must be an integer from 16 to 1024`);
  }
  return encodeBase32(randomBytes(bytes));
}

export function otpSecretBytes(secret: OtpSecret): Buffer {
  let bytes: Buffer | undefined;
  if (typeof secret === 'string') {
    bytes = decodeBase32(secret);
    if (bytes === undefined)
      throw JamError.invalidArgument('OTP secret is not valid base32 (letters A-Z and digits 2-7)');
  } else if (secret instanceof Uint8Array) {
    bytes = Buffer.from(secret);
  } else {
    throw JamError.invalidArgument('OTP secret must be a base32 string or a Uint8Array');
  }
  if (bytes.length < MIN_SECRET_BYTES) {
    throw JamError.invalidArgument(
      `OTP secret must be at least ${MIN_SECRET_BYTES} bytes (RFC 4226), got ${bytes.length}`,
    );
  }
  return bytes;
}

export function otpSecretBase32(secret: OtpSecret): string {
  return encodeBase32(otpSecretBytes(secret));
}
