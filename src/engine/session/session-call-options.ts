import { JamError } from '../jam-error.js';

/** The options argument of a session method: absent, or an object of known keys (unknown ones named). */
export function checkCallOptions<K extends string>(
  method: string,
  options: unknown,
  known: readonly K[],
): Partial<Record<K, unknown>> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw JamError.invalidArgument(`${method}: options must be an object`);
  for (const key of Object.keys(options)) {
    if (!(known as readonly string[]).includes(key))
      throw JamError.invalidArgument(`${method}: unknown option ${key} (known: ${known.join(', ')})`);
  }
  return options;
}

/** An optional session id given in options (`current`, `except`): a string when present. */
export function checkOptionalId(method: string, name: string, value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw JamError.invalidArgument(`${method}: ${name} must be a session id (a string)`);
}
