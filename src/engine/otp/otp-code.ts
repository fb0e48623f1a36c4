import { createHmac, timingSafeEqual } from 'node:crypto';
import type { OtpDigest } from './otp-options.js';

/** RFC 4226 §5.3: HMAC of the 8-byte big-endian counter, dynamically truncated to `digits` decimal digits. */
export function hotpCode(key: Buffer, counter: number, digits: number, digest: OtpDigest): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(digest, key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/**
 * The highest of `factors` whose code equals `code`, or undefined. Every candidate is computed and compared
 * in constant time, so the time taken says nothing about which one matched or how many digits were right.
 */
export function matchOtpCode(
  key: Buffer,
  code: string,
  factors: readonly number[],
  digits: number,
  digest: OtpDigest,
): number | undefined {
  const given = Buffer.from(code);
  let matched: number | undefined;
  for (const factor of factors) {
    const expected = Buffer.from(hotpCode(key, factor, digits, digest));
    if (timingSafeEqual(expected, given) && (matched === undefined || factor > matched)) matched = factor;
  }
  return matched;
}
