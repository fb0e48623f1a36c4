import { generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { JamError } from '../jam-error.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** PEM strings: PKCS#8 private key, SPKI public key, as `jwt.privateKey` / `jwt.publicKey` take them. */
export interface PemKeyPair {
  /** PKCS#8 PEM. */
  privateKey: string;
  /** SPKI PEM. */
  publicKey: string;
}

export const EC_CURVES = ['P-256', 'P-384', 'P-521'] as const;
/**
 * The curve of an EC key pair: P-256 for ES256, P-384 for ES384, P-521 for ES512.
 * @useDeclaredType
 */
export type EcCurve = (typeof EC_CURVES)[number];

/**
 * A random HS* secret as base64url text: 64 bytes by default, enough for HS512 (RFC 7518 §3.2); the text is
 * used as its UTF-8 bytes, which are longer still.
 */
export function generateSecretKey(bytes = 64): string {
  if (!Number.isInteger(bytes) || bytes < 32 || bytes > 1024) {
    throw JamError.invalidArgument('generateSecretKey: bytes must be an integer from 32 to 1024');
  }
  return randomBytes(bytes).toString('base64url');
}

/** 32 random bytes as base64url: the `session.encryptionKey` (AES-256-GCM) format. */
export function generateEncryptionKey(): string {
  return randomBytes(32).toString('base64url');
}

/** An RSA pair for RS* / PS*; 2048 bits (the minimum koa-jam accepts) by default. */
export async function generateRsaKeyPair(modulusLength = 2048): Promise<PemKeyPair> {
  if (
    !Number.isInteger(modulusLength) ||
    modulusLength < 2048 ||
    modulusLength > 8192 ||
    modulusLength % 8 !== 0
  ) {
    throw JamError.invalidArgument(
      'generateRsaKeyPair: modulusLength must be a multiple of 8 from 2048 to 8192',
    );
  }
  return toPem(await generateKeyPairAsync('rsa', { modulusLength }));
}

/** An EC pair: P-256 for ES256, P-384 for ES384, P-521 for ES512. */
export async function generateEcKeyPair(curve: EcCurve = 'P-256'): Promise<PemKeyPair> {
  if (!EC_CURVES.includes(curve)) {
    throw JamError.invalidArgument(`generateEcKeyPair: curve must be one of ${EC_CURVES.join(', ')}`);
  }
  return toPem(await generateKeyPairAsync('ec', { namedCurve: curve }));
}

function toPem(pair: { privateKey: KeyObject; publicKey: KeyObject }): PemKeyPair {
  return {
    privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}
