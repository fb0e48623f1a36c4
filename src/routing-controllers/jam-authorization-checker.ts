import type { Context } from 'koa';
import type { AuthorizationChecker } from 'routing-controllers';
import { checkBoolean, checkFunction, checkString } from '../shared/option-checks.js';
import { resolveSection, type OptionsSchema } from '../shared/options-schema.js';
import { JamError } from '../engine/jam-error.js';
import type { JamStatePayload } from '../koa/koa-state.js';
import { unauthenticatedStatus } from '../koa/auth-failure.js';
import { authHttpError } from './auth-http-error.js';
import { loadUser, type LoadUser } from './load-user.js';

/** Options of `jamAuthorizationChecker`. */
export interface JamAuthorizationOptions<U = JamStatePayload> {
  /** The payload claim holding the user's roles: a string or an array of strings. */
  rolesClaim?: string;
  /** Makes the user of the payload; a payload whose user is not found (null) is refused 401. */
  load?: LoadUser<U>;
  /**
   * Your own policy, replacing the roles check: gets the user (what `load` returns, else the payload) and
   * the roles the action names (maybe none); false answers 403. Runs only for requests with a payload.
   */
  policy?: (user: U | JamStatePayload, roles: string[], ctx: Context) => boolean | Promise<boolean>;
  /**
   * `@Authorized('orders:read')` names permissions instead of roles, decided by `ctx.jam.isAllowed` (the
   * rule of `requirePermission`; all of them required). Not with `rolesClaim` or `policy`.
   */
  permissions?: boolean;
}

/** The jamAuthorizationChecker options, declared once. */
export const JAM_AUTHORIZATION_OPTIONS = {
  rolesClaim: {
    doc: "the payload claim holding the user's roles: a string or an array of strings",
    default: 'roles',
    check: checkString,
  },
  load: { doc: '`(payload, ctx)`: the user of the payload; null is refused 401', check: checkFunction },
  policy: {
    doc: '`(user, roles, ctx)`: your own rule instead of the roles check; false is 403',
    check: checkFunction,
  },
  permissions: {
    doc: "`@Authorized('orders:read')` names permissions, decided by `ctx.jam.isAllowed`; not with `rolesClaim` or `policy`",
    default: false,
    check: checkBoolean,
  },
} as const satisfies OptionsSchema;

/**
 * An `authorizationChecker` for routing-controllers. No payload: 401 (503 when the store was down), on every
 * action, role-restricted ones included. `@Authorized()`: any payload passes. `@Authorized('admin')` or
 * `@Authorized(['a', 'b'])`: the roles claim must hold at least one of them, else 403. With `permissions: true`,
 * the payload must be granted every permission named, else 403.
 */
export function jamAuthorizationChecker<U>(options: JamAuthorizationOptions<U> = {}): AuthorizationChecker {
  const owner = 'jamAuthorizationChecker';
  const { rolesClaim, permissions } = resolveSection(owner, JAM_AUTHORIZATION_OPTIONS, options);
  if (permissions && (options.rolesClaim !== undefined || options.policy !== undefined)) {
    throw JamError.config(`${owner}: permissions replaces rolesClaim and policy; pass only one of them`);
  }
  const { load, policy } = options;

  return async (action, roles: string[]) => {
    const ctx = action.context as Context;
    const payload = ctx.state.payload;
    // Thrown rather than returned: routing-controllers turns `false` into 403 on an action that names roles.
    if (payload == null) throw authHttpError(unauthenticatedStatus(ctx));
    const user = load ? await loadUser(ctx, load) : payload;
    if (user === null) throw authHttpError(401);
    const allowed = permissions
      ? roles.length === 0 || ctx.jam.isAllowed(payload, roles)
      : policy
        ? await policy(user, roles, ctx)
        : hasAnyRole((payload as Record<string, unknown>)[rolesClaim], roles);
    if (!allowed) throw authHttpError(403);
    return true;
  };
}

function hasAnyRole(claim: unknown, required: readonly string[]): boolean {
  if (required.length === 0) return true;
  const held = typeof claim === 'string' ? [claim] : Array.isArray(claim) ? claim : [];
  return required.some((role) => held.includes(role));
}
