import { JamError } from '../jam-error.js';
import { checkSection, checkString } from '../../shared/option-checks.js';

/** The `authz` section of the Jam config: where permissions come from, and what is never allowed. */
export interface AuthzOptions {
  /**
   * Payload claims holding grants: an array of strings (`permissions`) or a space-separated string
   * (`scope`, RFC 9068 / RFC 8693). Default `['permissions', 'scope']`.
   */
  claims?: string[];
  /** Grants no token can outweigh: a permission one of them covers is refused. Default none. */
  deny?: string[];
}

export interface ResolvedAuthzOptions {
  claims: readonly string[];
  deny: readonly string[];
}

const KNOWN = ['claims', 'deny'] as const;

export function resolveAuthzOptions(input: AuthzOptions): ResolvedAuthzOptions {
  const { claims = ['permissions', 'scope'], deny = [] } = checkSection('authz', input, KNOWN);
  return {
    claims: Object.freeze(checkStrings('authz.claims', claims, { nonEmpty: true })),
    deny: Object.freeze(checkStrings('authz.deny', deny, { nonEmpty: false })),
  };
}

function checkStrings(path: string, value: unknown, { nonEmpty }: { nonEmpty: boolean }): string[] {
  if (!Array.isArray(value) || (nonEmpty && value.length === 0)) {
    throw JamError.config(`${path} must be ${nonEmpty ? 'a non-empty' : 'an'} array of strings`);
  }
  return value.map((item, i) => checkString(`${path}[${i}]`, item));
}
