import { JamError } from '../jam-error.js';
import { MAX_JSON_DEPTH, pathOf, walkJson, type JsonNode } from '../walk-json.js';

/** What a session holds: a plain object of JSON values, returned exactly as it was stored. */
export type SessionData = Record<string, unknown>;

/**
 * Refuses data that would not come back as it went in (functions, undefined, Dates, Maps, class instances,
 * BigInts, NaN, cycles) or that nests deeper than MAX_JSON_DEPTH, naming the first bad path, so no corrupt
 * record is ever written.
 */
export function checkSessionData(method: string, data: unknown, name = 'data'): SessionData {
  if (!isPlainObject(data))
    throw JamError.invalidArgument(notJson(method, name, name, 'is not a plain object'));
  walkJson(
    data,
    (node) => {
      const problem = problemOf(node);
      if (problem !== undefined)
        throw JamError.invalidArgument(notJson(method, name, pathOf(node, name), problem));
    },
    () =>
      JamError.invalidArgument(
        notJson(method, name, name, `nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`),
      ),
  );
  return data;
}

function problemOf(node: JsonNode): string | undefined {
  const { value } = node;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `is ${value}`;
  if (typeof value !== 'object') return `is a ${typeof value}`;
  for (let parent = node.parent; parent !== undefined; parent = parent.parent) {
    if (parent.value === value) return 'is a circular reference';
  }
  if (!Array.isArray(value) && !isPlainObject(value)) {
    return `is a ${value.constructor?.name ?? 'non-plain object'}`;
  }
  return undefined;
}

function isPlainObject(value: unknown): value is SessionData {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function notJson(method: string, name: string, path: string, problem: string): string {
  return `${method}: session ${name} must be JSON: ${path} ${problem}`;
}
