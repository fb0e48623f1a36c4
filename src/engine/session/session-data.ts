import { JamError } from '../jam-error.js';

/** What a session holds: a plain object of JSON values, returned exactly as it was stored. */
export type SessionData = Record<string, unknown>;

/**
 * Refuses data that would not come back as it went in (functions, undefined, Dates, Maps, class instances,
 * BigInts, NaN, cycles), naming the first bad path, so no corrupt record is ever written.
 */
export function checkSessionData(method: string, data: unknown): SessionData {
  if (!isPlainObject(data)) throw JamError.invalidArgument(notJson(method, 'data', 'is not a plain object'));
  checkValue(method, data, 'data', new Set());
  return data;
}

function checkValue(method: string, value: unknown, path: string, parents: Set<object>): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw JamError.invalidArgument(notJson(method, path, `is ${value}`));
    return;
  }
  if (typeof value !== 'object')
    throw JamError.invalidArgument(notJson(method, path, `is a ${typeof value}`));
  if (parents.has(value)) throw JamError.invalidArgument(notJson(method, path, 'is a circular reference'));
  const isArray = Array.isArray(value);
  if (!isArray && !isPlainObject(value)) {
    throw JamError.invalidArgument(
      notJson(method, path, `is a ${value.constructor?.name ?? 'non-plain object'}`),
    );
  }
  parents.add(value);
  for (const [key, child] of Object.entries(value)) {
    checkValue(method, child, isArray ? `${path}[${key}]` : `${path}.${key}`, parents);
  }
  parents.delete(value);
}

function isPlainObject(value: unknown): value is SessionData {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function notJson(method: string, path: string, problem: string): string {
  return `${method}: session data must be JSON: ${path} ${problem}`;
}
