import { createPublicKey } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import { Jam, type JamConfig, type JamErrorCode } from 'koa-jam';
import { keyPairFor, otherRsaPair, SECRET } from '../helpers/keys.js';
import { craftRawToken, craftToken } from '../helpers/tokens.js';
import { B64URL } from './mutations.js';

export const ISSUER = 'koa-jam-spec';
export const AUDIENCE = 'api';
export const TOLERANCE = 30;
export const KID = '2026-current';
export const OLD_RSA_KID = '2025-rsa';

/**
 * The instances the corpus attacks: HMAC with issuer, audience and clock tolerance; RSA; EC; key rotation.
 * `also` adds other sections (an app that also reads sessions needs one).
 */
export function corpusJams(also: Omit<JamConfig, 'jwt'> = {}) {
  const claims = { issuer: ISSUER, audience: AUDIENCE, clockTolerance: TOLERANCE };
  return {
    hs: new Jam({ ...also, jwt: { alg: 'HS256', secretKey: SECRET, ...claims } }),
    rs: new Jam({ ...also, jwt: { alg: 'RS256', privateKey: keyPairFor('RS256').privatePem, ...claims } }),
    es: new Jam({ ...also, jwt: { alg: 'ES256', privateKey: keyPairFor('ES256').privatePem, ...claims } }),
    /** Key rotation: tokens name their key by `kid`, among these two only. */
    kid: new Jam({
      ...also,
      jwt: {
        keys: [
          { kid: KID, secretKey: SECRET },
          { kid: OLD_RSA_KID, alg: 'RS256', publicKey: keyPairFor('RS256').publicPem },
        ],
        ...claims,
      },
    }),
  };
}

export type CorpusTarget = keyof ReturnType<typeof corpusJams>;

export interface CaseContext {
  /** Seconds since the epoch on the frozen clock. */
  now: number;
  /** A loopback URL that counts the requests it gets: no header may make koa-jam fetch it. */
  trapUrl: string;
}

export interface HostileCase {
  name: string;
  target: CorpusTarget;
  token: (c: CaseContext) => string;
  code: JamErrorCode;
  /**
   * Over HTTP the token travels as `Authorization: Bearer <token>`. `no-token`: the header then does not parse
   * as a Bearer credential, so the request is anonymous without a reason. `unsendable`: Node's HTTP client
   * refuses the characters, so only the direct path runs.
   */
  overHttp?: 'no-token' | 'unsendable';
}

/** Registered claims the `hs` instance accepts; `extra` overrides them. */
export function claims(c: CaseContext, extra: object = {}): object {
  return { iss: ISSUER, aud: AUDIENCE, iat: c.now, exp: c.now + 60, sub: 'mallory', ...extra };
}

export const HS = { alg: 'HS256', typ: 'JWT' };
export const ours = (c: CaseContext, extra?: object, header: object = HS) =>
  craftToken(header, claims(c, extra), SECRET);
export const oursRaw = (header: string, payload: string) => craftRawToken(header, payload, SECRET);
export const valid = (c: CaseContext) => ours(c);
export const segments = (c: CaseContext) => valid(c).split('.');

function keyConfusion(
  target: 'rs' | 'es',
  variant: string,
  secret: (pem: string) => string | Buffer,
): HostileCase {
  const alg = target === 'rs' ? 'RS256' : 'ES256';
  return {
    name: `${alg} instance, HS256 token signed with the public key as HMAC secret (${variant})`,
    target,
    token: (c) => craftToken(HS, claims(c, { admin: true }), secret(keyPairFor(alg).publicPem)),
    code: 'ERR_JWT_INVALID',
  };
}

function signedByAttacker(c: CaseContext, header: object): string {
  return jsonwebtoken.sign(claims(c, { admin: true }), otherRsaPair().privateKey, {
    algorithm: 'RS256',
    header: { alg: 'RS256', ...header },
  });
}

const attackerJwk = () => createPublicKey(otherRsaPair().privateKey).export({ format: 'jwk' });

/** Forged signatures, other algorithms and keys, and headers that ask for something. */
export const SIGNATURE_CASES: HostileCase[] = [
  // alg none, empty signatures, other keys
  ...['none', 'None', 'NONE', 'nOnE'].map((alg): HostileCase => ({
    name: `alg ${alg}, no signature`,
    target: 'hs',
    token: (c) => craftToken({ alg, typ: 'JWT' }, claims(c, { admin: true })),
    code: 'ERR_JWT_INVALID',
  })),
  {
    name: 'alg none with a valid HMAC signature',
    target: 'hs',
    token: (c) => ours(c, {}, { alg: 'none' }),
    code: 'ERR_JWT_INVALID',
  },
  {
    name: 'the configured alg with an empty signature',
    target: 'hs',
    token: (c) => `${segments(c).slice(0, 2).join('.')}.`,
    code: 'ERR_JWT_INVALID',
  },
  {
    name: 'signed with another secret',
    target: 'hs',
    token: (c) => craftToken(HS, claims(c), `${SECRET}-other`),
    code: 'ERR_JWT_INVALID',
  },
  {
    name: 'RS256 signed with another RSA key',
    target: 'rs',
    token: (c) => signedByAttacker(c, {}),
    code: 'ERR_JWT_INVALID',
  },
  {
    name: 'signature of another token',
    target: 'hs',
    token: (c) => `${segments(c).slice(0, 2).join('.')}.${ours(c, { sub: 'alice' }).split('.')[2]}`,
    code: 'ERR_JWT_INVALID',
  },

  ...(['HS256', 'RS256', 'ES256'] as const).map((alg): HostileCase => ({
    name: `${alg}: a genuine token with a spare bit of its signature's last character set (an alias)`,
    target: alg === 'HS256' ? 'hs' : alg === 'RS256' ? 'rs' : 'es',
    token: (c) => {
      const key = alg === 'HS256' ? SECRET : keyPairFor(alg).privateKey;
      const token = jsonwebtoken.sign(claims(c), key, { algorithm: alg });
      return token.slice(0, -1) + B64URL[B64URL.indexOf(token.at(-1)!) ^ 1];
    },
    code: 'ERR_JWT_INVALID',
  })),

  // key confusion: the public key used as an HMAC secret (CVE-2022-23541, fast-jwt CVE-2023-48223)
  keyConfusion('rs', 'PEM as is', (pem) => pem),
  keyConfusion('rs', 'PEM trimmed', (pem) => pem.trim()),
  keyConfusion('rs', 'PEM with a leading newline', (pem) => `\n${pem}`),
  keyConfusion('rs', 'PEM with CRLF line ends', (pem) => pem.replace(/\n/g, '\r\n')),
  keyConfusion('rs', 'PEM with a prefix', (pem) => `publicKey: ${pem}`),
  keyConfusion('rs', 'base64 body without armour', (pem) => pem.replace(/-----[^-]+-----|\s/g, '')),
  keyConfusion('rs', 'DER bytes', (pem) => createPublicKey(pem).export({ type: 'spki', format: 'der' })),
  keyConfusion('rs', 'JWK JSON', (pem) => JSON.stringify(createPublicKey(pem).export({ format: 'jwk' }))),
  keyConfusion('es', 'PEM as is', (pem) => pem),
  keyConfusion('es', 'PEM with trailing spaces', (pem) => `${pem}  `),
  {
    name: 'RS256 header with an HMAC signature made with the public PEM',
    target: 'rs',
    token: (c) => craftToken({ alg: 'RS256' }, claims(c, { admin: true }), keyPairFor('RS256').publicPem),
    code: 'ERR_JWT_INVALID',
  },

  // the header names another algorithm, or says something koa-jam must not act on
  {
    name: 'HS512 token (well signed) on an HS256 instance',
    target: 'hs',
    token: (c) => jsonwebtoken.sign(claims(c), SECRET, { algorithm: 'HS512' }),
    code: 'ERR_JWT_INVALID',
  },
  ...['hs256', 'HS256 ', ' HS256', 'HS256\u0000'].map((alg): HostileCase => ({
    name: `alg ${JSON.stringify(alg)} (well signed)`,
    target: 'hs',
    token: (c) => ours(c, {}, { alg }),
    code: 'ERR_JWT_INVALID',
  })),
  { name: 'no alg', target: 'hs', token: (c) => ours(c, {}, { typ: 'JWT' }), code: 'ERR_JWT_INVALID' },
  {
    name: 'alg as an array',
    target: 'hs',
    token: (c) => ours(c, {}, { alg: ['HS256'] }),
    code: 'ERR_JWT_INVALID',
  },
  ...[['exp'], [], ['b64']].map((crit): HostileCase => ({
    name: `crit ${JSON.stringify(crit)} (well signed; RFC 7515 §4.1.11)`,
    target: 'hs',
    token: (c) => ours(c, {}, { ...HS, crit, b64: false }),
    code: 'ERR_JWT_INVALID',
  })),
  ...[
    ['path traversal', '../../../../../../dev/null', ''],
    ['SQL', "x' UNION SELECT 'attacker-secret' --", 'attacker-secret'],
    ['URL', 'http://127.0.0.1:1/key', 'attacker-secret'],
    ['NUL and newline', 'a\u0000b\nc', 'attacker-secret'],
  ].map(([kind, kid, secret]): HostileCase => ({
    name: `kid with ${kind} content, signed with the secret it points at`,
    target: 'hs',
    token: (c) => craftToken({ ...HS, kid }, claims(c, { admin: true }), secret),
    code: 'ERR_JWT_INVALID',
  })),
  {
    name: 'jku and x5u pointing at a loopback trap, signed with the key found there',
    target: 'rs',
    token: (c) => signedByAttacker(c, { jku: c.trapUrl, x5u: c.trapUrl, kid: 'attacker' }),
    code: 'ERR_JWT_INVALID',
  },
  {
    name: 'jwk header embedding the signing public key (CVE-2018-0114 style)',
    target: 'rs',
    token: (c) => signedByAttacker(c, { jwk: attackerJwk() }),
    code: 'ERR_JWT_INVALID',
  },
  {
    name: 'jwk header embedding an HMAC secret',
    target: 'hs',
    token: (c) =>
      craftToken(
        { ...HS, jwk: { kty: 'oct', k: Buffer.from('attacker-secret').toString('base64url') } },
        claims(c, { admin: true }),
        'attacker-secret',
      ),
    code: 'ERR_JWT_INVALID',
  },

  // kid: only ever a name among the configured keys
  ...[
    ['unknown', 'nope'],
    ['with path traversal', '../../../../../../dev/null'],
    ['with SQL', "' OR 1=1 --"],
    ['as a URL', 'http://127.0.0.1:1/key'],
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['of the current key in upper case', KID.toUpperCase()],
  ].map(([kind, kid]): HostileCase => ({
    name: `kid ${kind}, well signed with the current key`,
    target: 'kid',
    token: (c) => ours(c, {}, { ...HS, kid }),
    code: 'ERR_JWT_INVALID',
  })),
  ...[
    ['no kid where keys have kids', {}],
    ['kid as a number', { kid: 1 }],
    ['kid as an array', { kid: [KID] }],
  ].map(([kind, header]): HostileCase => ({
    name: `${kind as string}, well signed with the current key`,
    target: 'kid',
    token: (c) => ours(c, {}, { ...HS, ...(header as object) }),
    code: 'ERR_JWT_INVALID',
  })),
  {
    name: 'kid of the RSA key, HS256 signed with its public PEM (key confusion through kid)',
    target: 'kid',
    token: (c) =>
      craftToken({ ...HS, kid: OLD_RSA_KID }, claims(c, { admin: true }), keyPairFor('RS256').publicPem),
    code: 'ERR_JWT_INVALID',
  },
  {
    name: 'kid of the HMAC key, RS256 signed by another RSA key',
    target: 'kid',
    token: (c) => signedByAttacker(c, { kid: KID }),
    code: 'ERR_JWT_INVALID',
  },
];
