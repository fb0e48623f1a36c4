import { checkString } from '../../shared/option-checks.js';
import { JamError } from '../jam-error.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** https everywhere; http only on loopback hosts, where nothing crosses a network. */
export function checkHttpsUrl(path: string, value: unknown): URL {
  let parsed: URL | undefined;
  try {
    parsed = new URL(checkString(path, value));
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw JamError.config(`${path} must be an https:// URL`);
  }
  if (parsed.protocol === 'http:' && !LOOPBACK_HOSTS.has(parsed.hostname)) {
    throw JamError.config(
      `${path} must use https:// (http:// is accepted only for 127.0.0.1, [::1] and localhost)`,
    );
  }
  return parsed;
}
