import type { KeyObject } from 'node:crypto';

export const JWT_ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
] as const;

/**
 * A JWS algorithm (RFC 7518 §3.1) koa-jam signs and verifies with; `none` is not one.
 * @useDeclaredType
 */
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

export function isHmac(alg: JwtAlgorithm): boolean {
  return alg.startsWith('HS');
}

/** RFC 7518 §3.2: an HMAC key must be at least as long as the hash output. */
export function minimumSecretBytes(alg: JwtAlgorithm): number {
  return Number(alg.slice(2)) / 8;
}

const EC_CURVES: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };
const MIN_RSA_BITS = 2048;

/**
 * An RSA-PSS key (rather than a plain RSA one) carries restrictions: a hash, an MGF1 hash, a minimum salt
 * length. jsonwebtoken signs and verifies with one only when both hashes are the algorithm's own and the salt
 * fits (RFC 7518 §3.5); any other such key would fail every signature at run time, so it is refused here.
 */
function pssRestrictionProblem(alg: JwtAlgorithm, details: NonNullable<KeyObject['asymmetricKeyDetails']>) {
  const hash = `sha${alg.slice(2)}`;
  const { hashAlgorithm, mgf1HashAlgorithm, saltLength } = details;
  if (hashAlgorithm !== hash || mgf1HashAlgorithm !== hash) {
    return `${alg} needs an RSA-PSS key restricted to ${hash} (hash and MGF1), got ${hashAlgorithm ?? 'no restriction'} (MGF1 ${mgf1HashAlgorithm ?? 'none'}); a plain RSA key works too`;
  }
  if ((saltLength ?? 0) > Number(alg.slice(2)) / 8) {
    return `${alg} uses a ${Number(alg.slice(2)) / 8}-byte salt, but this RSA-PSS key requires at least ${saltLength}`;
  }
  return undefined;
}

/** Why `key` cannot serve `alg`, or undefined when it can. */
export function asymmetricKeyProblem(alg: JwtAlgorithm, key: KeyObject): string | undefined {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (alg.startsWith('ES')) {
    if (type !== 'ec') return `${alg} needs an EC key, got ${type ?? key.type}`;
    if (details.namedCurve !== EC_CURVES[alg]) {
      return `${alg} needs an EC key on curve ${EC_CURVES[alg]}, got ${details.namedCurve}`;
    }
    return undefined;
  }
  const rsaTypes = alg.startsWith('PS') ? ['rsa', 'rsa-pss'] : ['rsa'];
  if (!rsaTypes.includes(type ?? '')) return `${alg} needs an RSA key, got ${type ?? key.type}`;
  if ((details.modulusLength ?? 0) < MIN_RSA_BITS) {
    return `${alg} needs an RSA key of at least ${MIN_RSA_BITS} bits, got ${details.modulusLength}`;
  }
  return type === 'rsa-pss' ? pssRestrictionProblem(alg, details) : undefined;
}
