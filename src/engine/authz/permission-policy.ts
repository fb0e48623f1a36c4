import type { JamPayload } from '../jam-payload.js';
import type { ResolvedAuthzOptions } from './authz-options.js';
import { grantMatches } from './grant-matches.js';

/**
 * The one permission decision koa-jam makes, for `jam.isAllowed`, `requirePermission` and the
 * routing-controllers checker alike: deny by default, every required permission must be granted by the
 * payload's claims, and a configured `deny` grant wins over any allow.
 */
export class PermissionPolicy {
  readonly #claims: readonly string[];
  readonly #deny: readonly string[];

  constructor(options: ResolvedAuthzOptions) {
    this.#claims = options.claims;
    this.#deny = options.deny;
  }

  /** `required` names are checked by the caller (checkPermissionList). */
  isAllowed(payload: JamPayload | null | undefined, required: readonly string[]): boolean {
    if (payload === null || typeof payload !== 'object') return false;
    const grants = this.#grantsOf(payload);
    return required.every(
      (permission) =>
        !this.#deny.some((deny) => grantMatches(deny, permission)) &&
        grants.some((grant) => grantMatches(grant, permission)),
    );
  }

  #grantsOf(payload: JamPayload): string[] {
    return this.#claims.flatMap((claim) => grantsOfClaim(payload[claim]));
  }
}

/** A claim is an array of strings or a space-separated string; anything else grants nothing. */
function grantsOfClaim(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter((grant) => grant !== '');
  if (Array.isArray(value) && value.every((grant) => typeof grant === 'string')) return value as string[];
  return [];
}
