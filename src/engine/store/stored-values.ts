import type Keyv from 'keyv';
import { systemClock } from '../clock.js';

/**
 * Values are stored as JSON text koa-jam writes itself, so what comes back does not depend on the Keyv's
 * serializer (Keyv's default one calls any `toJSON` member and revives `:base64:` strings as Buffers).
 */
export function encode(value: unknown): string {
  return JSON.stringify(value);
}

/** What encode() wrote; a value that is not JSON text was written before koa-jam encoded its values. */
export function decode<T>(stored: unknown): T {
  if (typeof stored !== 'string') return stored as T;
  try {
    return JSON.parse(stored) as T;
  } catch {
    return stored as T; // an earlier generation entry: a bare random string
  }
}

/** TTLs come from seconds that may be fractional (`clockTolerance`, `ttl`); Redis takes only whole PX. */
export function wholeMs(ttlMs: number): number {
  return Math.ceil(ttlMs);
}

/**
 * What Keyv would store for `value`: its serialized `{ value, expires }` around koa-jam's JSON, for the atomic
 * operations that write past Keyv. Keyv and the shared backends expire entries on the real time, whatever
 * clock the Jam instance reads.
 */
export async function pack(keyv: Keyv, value: unknown, ttlMs: number): Promise<string> {
  const expires = ttlMs > 0 ? systemClock.now() + ttlMs : undefined;
  return (await keyv.serializeData({ value: encode(value), expires })) as string;
}

/** The value of text read past Keyv, or undefined when it has expired (Keyv would not return it). */
export async function unpack<T>(keyv: Keyv, raw: string): Promise<T | undefined> {
  const data = (await keyv.deserializeData(raw)) as { value?: unknown; expires?: number } | undefined;
  if (typeof data?.expires === 'number' && data.expires <= systemClock.now()) return undefined;
  return decode<T>(data?.value);
}
