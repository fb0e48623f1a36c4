import { nestedArrays } from '../helpers/nested.js';
import { craftRawToken } from '../helpers/tokens.js';
import {
  claims,
  HS,
  ISSUER,
  ours,
  oursRaw,
  segments,
  TOLERANCE,
  valid,
  type CaseContext,
  type HostileCase,
} from './hostile-jwt-cases.js';

/** Claims, the compact form and its JSON, all well signed unless said otherwise. */
export const CLAIM_CASES: HostileCase[] = [
  // time claims (the hs instance tolerates 30 s of skew)
  {
    name: 'expired',
    target: 'hs',
    token: (c) => ours(c, { exp: c.now - TOLERANCE - 1 }),
    code: 'ERR_JWT_EXPIRED',
  },
  { name: 'exp 0', target: 'hs', token: (c) => ours(c, { exp: 0 }), code: 'ERR_JWT_EXPIRED' },
  { name: 'exp negative', target: 'hs', token: (c) => ours(c, { exp: -1 }), code: 'ERR_JWT_EXPIRED' },
  {
    name: 'nbf in the future beyond tolerance',
    target: 'hs',
    token: (c) => ours(c, { nbf: c.now + TOLERANCE + 1 }),
    code: 'ERR_JWT_NOT_BEFORE',
  },
  {
    name: 'iat in the future beyond tolerance',
    target: 'hs',
    token: (c) => ours(c, { iat: c.now + TOLERANCE + 1 }),
    code: 'ERR_JWT_INVALID',
  },
  { name: 'no exp', target: 'hs', token: (c) => ours(c, { exp: undefined }), code: 'ERR_JWT_INVALID' },
  ...[
    ['a string', (c: CaseContext) => String(c.now + 60)],
    ['null', () => null],
    ['true', () => true],
    ['an array', (c: CaseContext) => [c.now + 60]],
    ['an object', (c: CaseContext) => ({ valueOf: c.now + 60 })],
  ].map(([kind, exp]): HostileCase => ({
    name: `exp as ${kind}`,
    target: 'hs',
    token: (c) => ours(c, { exp: (exp as (c: CaseContext) => unknown)(c) }),
    code: 'ERR_JWT_INVALID',
  })),
  {
    name: 'iat as a string',
    target: 'hs',
    token: (c) => ours(c, { iat: String(c.now) }),
    code: 'ERR_JWT_INVALID',
  },
  {
    name: 'nbf as a string',
    target: 'hs',
    token: (c) => ours(c, { nbf: String(c.now) }),
    code: 'ERR_JWT_INVALID',
  },
  ...(
    [
      ['exp', '1e400', 'ERR_JWT_INVALID'],
      ['exp', '-1e400', 'ERR_JWT_EXPIRED'],
      ['iat', '1e400', 'ERR_JWT_INVALID'],
      ['nbf', '1e400', 'ERR_JWT_NOT_BEFORE'],
      ['exp', '1' + '0'.repeat(400), 'ERR_JWT_INVALID'],
    ] as const
  ).map(([claim, number, code]): HostileCase => ({
    name: `${claim} ${number.length > 10 ? `${number.slice(0, 6)}…(${number.length} digits)` : number} (a number JSON reads as ±Infinity)`,
    target: 'hs',
    token: (c) => {
      const base = { ...claims(c), [claim]: 0 } as Record<string, unknown>;
      return oursRaw(
        JSON.stringify(HS),
        JSON.stringify(base).replace(`"${claim}":0`, `"${claim}":${number}`),
      );
    },
    code,
  })),

  // issuer and audience
  { name: 'wrong iss', target: 'hs', token: (c) => ours(c, { iss: 'evil' }), code: 'ERR_JWT_INVALID' },
  { name: 'no iss', target: 'hs', token: (c) => ours(c, { iss: undefined }), code: 'ERR_JWT_INVALID' },
  {
    name: 'iss as an array',
    target: 'hs',
    token: (c) => ours(c, { iss: [ISSUER] }),
    code: 'ERR_JWT_INVALID',
  },
  { name: 'wrong aud', target: 'hs', token: (c) => ours(c, { aud: 'other' }), code: 'ERR_JWT_INVALID' },
  {
    name: 'aud in another case',
    target: 'hs',
    token: (c) => ours(c, { aud: 'API' }),
    code: 'ERR_JWT_INVALID',
  },
  { name: 'empty aud array', target: 'hs', token: (c) => ours(c, { aud: [] }), code: 'ERR_JWT_INVALID' },
  { name: 'no aud', target: 'hs', token: (c) => ours(c, { aud: undefined }), code: 'ERR_JWT_INVALID' },

  // the compact form
  {
    name: 'two segments',
    target: 'hs',
    token: (c) => segments(c).slice(0, 2).join('.'),
    code: 'ERR_JWT_INVALID',
  },
  { name: 'one segment', target: 'hs', token: (c) => segments(c)[0], code: 'ERR_JWT_INVALID' },
  { name: 'signature cut short', target: 'hs', token: (c) => valid(c).slice(0, -1), code: 'ERR_JWT_INVALID' },
  { name: 'an extra segment', target: 'hs', token: (c) => `${valid(c)}.e30`, code: 'ERR_JWT_INVALID' },
  {
    name: 'five segments (JWE form)',
    target: 'hs',
    token: (c) => `${valid(c)}.e30.e30`,
    code: 'ERR_JWT_INVALID',
  },
  { name: 'only dots', target: 'hs', token: () => '..', code: 'ERR_JWT_INVALID' },
  { name: 'a thousand dots', target: 'hs', token: () => '.'.repeat(1000), code: 'ERR_JWT_INVALID' },
  {
    name: 'non-base64url characters',
    target: 'hs',
    token: (c) => valid(c).replace('.', '.!$'),
    code: 'ERR_JWT_INVALID',
  },
  {
    name: 'standard base64 alphabet (+ and /)',
    target: 'hs',
    token: (c) => ours(c, { pad: '>>>???>>>' }).replace(/-/g, '+').replace(/_/g, '/'),
    code: 'ERR_JWT_INVALID',
  },
  {
    name: 'padding after the signature',
    target: 'hs',
    token: (c) => `${valid(c)}==`,
    code: 'ERR_JWT_INVALID',
  },
  {
    name: 'padding inside the header segment',
    target: 'hs',
    token: (c) => valid(c).replace('.', '=.'),
    code: 'ERR_JWT_INVALID',
  },
  {
    name: 'a space inside',
    target: 'hs',
    token: (c) => valid(c).replace('.', '. '),
    code: 'ERR_JWT_INVALID',
    overHttp: 'no-token',
  },
  {
    name: 'a trailing newline',
    target: 'hs',
    token: (c) => `${valid(c)}\n`,
    code: 'ERR_JWT_INVALID',
    overHttp: 'unsendable',
  },
  {
    name: 'a character outside Latin-1',
    target: 'hs',
    token: (c) => `${valid(c)}€`,
    code: 'ERR_JWT_INVALID',
    overHttp: 'unsendable',
  },
  { name: 'a Latin-1 character', target: 'hs', token: (c) => `${valid(c)}é`, code: 'ERR_JWT_INVALID' },
  {
    name: 'longer than jwt.maxTokenLength (8192) but within Node header limits',
    target: 'hs',
    token: (c) => ours(c, { filler: 'x'.repeat(9000) }),
    code: 'ERR_JWT_INVALID',
  },

  // JSON
  ...['"a string"', '[1,2]', '12', 'null', 'true', '{"exp":', ''].map((payload): HostileCase => ({
    name: `payload ${JSON.stringify(payload)} (well signed)`,
    target: 'hs',
    token: () => oursRaw(JSON.stringify(HS), payload),
    code: 'ERR_JWT_INVALID',
  })),
  ...['["HS256"]', '"HS256"', 'null', '{"alg":"HS256"', ''].map((header): HostileCase => ({
    name: `header ${JSON.stringify(header)} (well signed)`,
    target: 'hs',
    token: (c) => oursRaw(header, JSON.stringify(claims(c))),
    code: 'ERR_JWT_INVALID',
  })),
  {
    name: 'duplicate alg in the header, the last one none',
    target: 'hs',
    token: (c) => oursRaw('{"alg":"HS256","alg":"none"}', JSON.stringify(claims(c))),
    code: 'ERR_JWT_INVALID',
  },
  {
    name: 'duplicate exp, the last one past (RFC 7519 §4: the last member wins)',
    target: 'hs',
    token: (c) =>
      oursRaw(JSON.stringify(HS), JSON.stringify(claims(c)).replace('}', `,"exp":${c.now - 3600}}`)),
    code: 'ERR_JWT_EXPIRED',
  },
  {
    name: 'duplicate iss, the last one foreign',
    target: 'hs',
    token: (c) => oursRaw(JSON.stringify(HS), JSON.stringify(claims(c)).replace('}', ',"iss":"evil"}')),
    code: 'ERR_JWT_INVALID',
  },
  {
    name: '__proto__ in the header setting alg, not signed',
    target: 'hs',
    token: (c) => craftRawToken('{"__proto__":{"alg":"HS256"},"alg":"none"}', JSON.stringify(claims(c))),
    code: 'ERR_JWT_INVALID',
  },
  {
    name: '__proto__ and constructor claims, signed with another key',
    target: 'hs',
    token: (c) =>
      craftRawToken(
        JSON.stringify(HS),
        JSON.stringify(claims(c)).replace(
          '}',
          ',"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}',
        ),
        'attacker-secret',
      ),
    code: 'ERR_JWT_INVALID',
  },
  // Explicit typing (RFC 8725 §3.11): the header's typ and the payload's token_use must agree.
  {
    name: 'typ refresh+jwt on a token that is not a refresh token (well signed)',
    target: 'hs',
    token: (c) => ours(c, {}, { alg: 'HS256', typ: 'refresh+jwt' }),
    code: 'ERR_JWT_INVALID',
  },
  {
    name: 'token_use refresh under typ JWT (well signed)',
    target: 'hs',
    token: (c) => ours(c, { token_use: 'refresh', fam: 'f' }),
    code: 'ERR_JWT_INVALID',
  },
  // Text an attacker controls must not reach the error message (SECURITY.md calls it safe to log).
  ...['{"sub":"x",\n"evil\u001b[31m', 'line\u2028break\u202e', '{"sub" \u009b}'].map(
    (payload): HostileCase => ({
      name: `unsigned, the payload broken JSON with control characters ${JSON.stringify(payload)}`,
      target: 'hs',
      token: () => craftRawToken(JSON.stringify({ alg: 'none', typ: 'JWT' }), payload),
      code: 'ERR_JWT_INVALID',
    }),
  ),
  {
    name: 'well signed, the payload broken JSON with a newline',
    target: 'hs',
    token: (c) => oursRaw(JSON.stringify(HS), JSON.stringify(claims(c)).replace('}', ',"x":\n}')),
    code: 'ERR_JWT_INVALID',
  },
  // Nesting: 33 levels is past the limit (MAX_JSON_DEPTH, 32); 3,000 overflowed a recursive freeze (a 500).
  ...[32, 3000].map((depth): HostileCase => ({
    name: `well signed, a claim nesting ${depth} arrays (${depth + 1} levels with the payload)`,
    target: 'hs',
    token: (c) =>
      oursRaw(JSON.stringify(HS), JSON.stringify(claims(c)).replace('}', `,"deep":${nestedArrays(depth)}}`)),
    code: 'ERR_JWT_INVALID',
  })),
];
