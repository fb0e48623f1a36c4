import { JamError } from '../jam-error.js';
import { checkString } from '../../shared/option-checks.js';
import { resolveSection, type OptionsSchema } from '../../shared/options-schema.js';

/**
 * The `authz` section of the Jam config: where permissions come from, and what is never allowed; defaults and
 * details: docs/api-behind-idp.md, from `AUTHZ_OPTIONS`.
 */
export interface AuthzOptions {
  /**
   * Payload claims holding grants: an array of strings (`permissions`) or a space-separated string
   * (`scope`, RFC 9068 / RFC 8693).
   */
  claims?: string[];
  /** Grants no token can outweigh: a permission one of them covers is refused. */
  deny?: string[];
}

export interface ResolvedAuthzOptions {
  claims: readonly string[];
  deny: readonly string[];
}

/** The `authz` options, declared once (docs/api-behind-idp.md shows them). */
export const AUTHZ_OPTIONS = {
  claims: {
    doc: 'payload claims holding grants: an array of strings, or a space-separated string (RFC 9068 / RFC 8693)',
    default: ['permissions', 'scope'],
    defaultDoc: "`['permissions', 'scope']`",
    check: (path: string, value: unknown) => checkStrings(path, value, { nonEmpty: true }),
  },
  deny: {
    doc: 'grants no token outweighs: a permission one of them covers is refused, whatever the token holds',
    default: [],
    check: (path: string, value: unknown) => checkStrings(path, value, { nonEmpty: false }),
  },
} as const satisfies OptionsSchema;

export function resolveAuthzOptions(input: AuthzOptions): ResolvedAuthzOptions {
  return resolveSection('authz', AUTHZ_OPTIONS, input);
}

function checkStrings(path: string, value: unknown, { nonEmpty }: { nonEmpty: boolean }): readonly string[] {
  if (!Array.isArray(value) || (nonEmpty && value.length === 0)) {
    throw JamError.config(`${path} must be ${nonEmpty ? 'a non-empty' : 'an'} array of strings`);
  }
  return Object.freeze(value.map((item, i) => checkString(`${path}[${i}]`, item)));
}
