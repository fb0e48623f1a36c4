import { createHmac } from 'node:crypto';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Builds a compact JWT by hand, for tokens no well-behaved library would make. */
export function craftToken(header: object, payload: unknown, hmacSecret?: string | Buffer): string {
  return signSegments(`${b64url(header)}.${b64url(payload)}`, hmacSecret);
}

/** Like craftToken, from JSON text: for duplicate keys, `__proto__` keys and numbers JSON.stringify cannot write. */
export function craftRawToken(headerJson: string, payloadJson: string, hmacSecret?: string | Buffer): string {
  const segment = (json: string) => Buffer.from(json).toString('base64url');
  return signSegments(`${segment(headerJson)}.${segment(payloadJson)}`, hmacSecret);
}

function signSegments(body: string, hmacSecret: string | Buffer | undefined): string {
  const signature =
    hmacSecret === undefined ? '' : createHmac('sha256', hmacSecret).update(body).digest('base64url');
  return `${body}.${signature}`;
}

export function decodeSegment(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index], 'base64url').toString('utf8'));
}
