import { createHmac } from 'node:crypto';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Builds a compact JWT by hand, for tokens no well-behaved library would make. */
export function craftToken(header: object, payload: unknown, hmacSecret?: string | Buffer): string {
  const body = `${b64url(header)}.${b64url(payload)}`;
  const signature =
    hmacSecret === undefined ? '' : createHmac('sha256', hmacSecret).update(body).digest('base64url');
  return `${body}.${signature}`;
}

export function decodeSegment(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index], 'base64url').toString('utf8'));
}
