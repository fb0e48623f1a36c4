import { JamError } from '../jam-error.js';
import { checkSessionData } from './session-data.js';

/** What an app keeps beside a session to show it in a list of devices: a user agent, an IP, a label (JSON). */
export type SessionMeta = Record<string, unknown>;

/** Metadata is read on every listSessions, for every session of a key: a few fields, not a second data. */
export const MAX_SESSION_META_BYTES = 1024;

/** A plain object of JSON values (as session data) of at most MAX_SESSION_META_BYTES encoded. */
export function checkSessionMeta(method: string, meta: unknown): SessionMeta | undefined {
  if (meta === undefined) return undefined;
  const checked = checkSessionData(method, meta, 'meta');
  const bytes = Buffer.byteLength(JSON.stringify(checked));
  if (bytes > MAX_SESSION_META_BYTES) {
    throw JamError.invalidArgument(
      `${method}: meta is ${bytes} bytes as JSON, more than ${MAX_SESSION_META_BYTES}`,
    );
  }
  return checked;
}
