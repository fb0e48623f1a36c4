import { decodeCanonicalBase64url } from '../canonical-base64url.js';
import type { JwtAlgorithm } from './jwt-algorithms.js';

/** The order n of each curve (SEC 2): an ECDSA signature (r, s) verifies exactly when (r, n − s) does. */
const CURVE_ORDERS: Partial<Record<JwtAlgorithm, bigint>> = {
  ES256: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  ES384: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  ES512:
    0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
};

/**
 * The spelling of an ES* token with the low-S twin of its signature (s ≤ n/2), so both spellings of one
 * signature share one cache entry; any other token unchanged. Only for an instance whose every key is `alg`:
 * on an HMAC or RSA signature the same arithmetic would merge two different signatures. A signature not in
 * canonical base64url is left alone (the verifier refuses it).
 */
export function lowSSpelling(token: string, alg: JwtAlgorithm): string {
  const order = CURVE_ORDERS[alg];
  const dot = token.lastIndexOf('.');
  const signature = order && decodeCanonicalBase64url(token.slice(dot + 1));
  if (!signature || signature.length % 2 !== 0) return token;
  const half = signature.length / 2;
  const s = BigInt(`0x${signature.subarray(half).toString('hex')}`);
  if (s <= order / 2n) return token;
  const low = Buffer.from((order - s).toString(16).padStart(half * 2, '0'), 'hex');
  return `${token.slice(0, dot + 1)}${Buffer.concat([signature.subarray(0, half), low]).toString('base64url')}`;
}
