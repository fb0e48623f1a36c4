import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { JwtAlgorithm } from 'koa-jam';

export const SECRET = 'a-test-secret-that-is-long-enough-for-hs512-0123456789abcdefghijklmnop';

export interface TestKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  privatePem: string;
  publicPem: string;
}

const pairs = new Map<string, TestKeyPair>();

function pair(kind: 'rsa' | 'ec', curve?: string): TestKeyPair {
  const id = `${kind}:${curve ?? ''}`;
  let found = pairs.get(id);
  if (!found) {
    const { privateKey, publicKey } =
      kind === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ec', { namedCurve: curve! });
    found = {
      privateKey,
      publicKey,
      privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    };
    pairs.set(id, found);
  }
  return found;
}

/** Key pairs are generated once per test run and reused. */
export function keyPairFor(alg: JwtAlgorithm): TestKeyPair {
  const curves: Partial<Record<JwtAlgorithm, string>> = {
    ES256: 'prime256v1',
    ES384: 'secp384r1',
    ES512: 'secp521r1',
  };
  if (curves[alg]) return pair('ec', curves[alg]);
  return pair('rsa');
}

export function otherRsaPair(): TestKeyPair {
  return pair('rsa', 'other');
}
