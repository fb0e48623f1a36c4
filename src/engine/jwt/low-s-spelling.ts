import type { JwtAlgorithm } from './jwt-algorithms.js';

/** The order n of each curve (SEC 2): an ECDSA signature (r, s) verifies exactly when (r, n − s) does. */
const CURVE_ORDERS: Partial<Record<JwtAlgorithm, bigint>> = {
  ES256: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  ES384: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  ES512:
    0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
};

/** Per curve: the order, and n/2 as the big-endian bytes of one signature half (32, 48, 66 bytes). */
const CURVES = new Map(
  Object.entries(CURVE_ORDERS).map(([alg, order]) => {
    const size = alg === 'ES512' ? 66 : Number(alg.slice(2)) / 8;
    return [
      alg,
      { order, size, half: Buffer.from((order / 2n).toString(16).padStart(size * 2, '0'), 'hex') },
    ];
  }),
);

/**
 * The spelling of an ES* token with the low-S twin of its signature (s ≤ n/2), so both spellings of one
 * signature share one cache entry; any other token unchanged. Only for an instance whose every key is `alg`:
 * on an HMAC or RSA signature the same arithmetic would merge two different signatures. The common case, a
 * low-S signature (koa-jam signs only those), costs one base64 decode and a byte comparison; a signature not
 * in canonical base64url is left alone (the verifier refuses it).
 */
export function lowSSpelling(token: string, alg: JwtAlgorithm): string {
  const curve = CURVES.get(alg);
  if (curve === undefined) return token;
  const dot = token.lastIndexOf('.');
  const encoded = token.slice(dot + 1);
  const signature = Buffer.from(encoded, 'base64url');
  if (signature.length !== 2 * curve.size) return token;
  const s = signature.subarray(curve.size);
  if (s.compare(curve.half) <= 0 || signature.toString('base64url') !== encoded) return token;
  const low = curve.order - BigInt(`0x${s.toString('hex')}`);
  const twin = Buffer.concat([
    signature.subarray(0, curve.size),
    Buffer.from(low.toString(16).padStart(curve.size * 2, '0'), 'hex'),
  ]);
  return `${token.slice(0, dot + 1)}${twin.toString('base64url')}`;
}
