import { JamError } from '../engine/jam-error.js';
import { checkSection } from './option-checks.js';

/**
 * One option of a section, declared once: the known keys, the defaults, the validation and the docs table
 * (`npm run docs:options`) all come from it.
 */
export interface OptionSpec<T> {
  /** One line of Markdown: what the option does, for the docs table. */
  doc: string;
  /** Used when the option is absent; without it (or `required`) the option stays undefined unless given. */
  default?: T;
  /** Absent is ERR_CONFIG. */
  required?: boolean;
  /** How the docs show the default when the value alone would not say it (`env JAM_JWT_SECRET_KEY`, `in memory`). */
  defaultDoc?: string;
  /** Validates a given or default value, naming `path` in its ERR_CONFIG; returns it, maybe normalised. */
  check: (path: string, value: unknown) => T;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each option has its own value type
export type OptionsSchema = Record<string, OptionSpec<any>>;

/** The options of a section after `resolveSection`: checked, with their defaults. */
export type ResolvedSection<S extends OptionsSchema> = {
  [K in keyof S]: S[K] extends { default: unknown } | { required: true }
    ? ReturnType<S[K]['check']>
    : ReturnType<S[K]['check']> | undefined;
};

/**
 * Checks a section against its schema: unknown keys are refused by name, every value is checked, absent ones
 * get their default. Pure: it opens nothing and reads no environment (the caller merges what it needs).
 */
export function resolveSection<S extends OptionsSchema>(
  section: string,
  schema: S,
  input: unknown,
): ResolvedSection<S> {
  const given = checkSection(section, input, Object.keys(schema));
  const resolved: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(schema)) {
    const path = `${section}.${key}`;
    const value = given[key] === undefined ? spec.default : given[key];
    if (value === undefined && spec.required) throw JamError.config(`${path} is required`);
    resolved[key] = value === undefined ? undefined : spec.check(path, value);
  }
  return resolved as ResolvedSection<S>;
}
