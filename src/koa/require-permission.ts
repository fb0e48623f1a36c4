import type { Middleware } from 'koa';
import { checkPermissionList } from '../shared/permission-name.js';
import { JamError } from '../engine/jam-error.js';
import { respondAuthFailure, unauthenticatedStatus } from './auth-failure.js';

/**
 * Guard for routes: 401 without a payload (503 when the store or the key set was down), 403 unless
 * `ctx.jam.isAllowed` grants every permission named (the reason goes on `ctx.state.authError` as
 * ERR_FORBIDDEN, for logs). Needs jamJwt, jamSession or jamContext before it, and an `authz` config section.
 */
export function requirePermission(permission: string | string[]): Middleware {
  const required = checkPermissionList('requirePermission', permission);
  return async function requirePermission(ctx, next) {
    if (ctx.state.payload == null) return respondAuthFailure(ctx, unauthenticatedStatus(ctx));
    if (ctx.jam.isAllowed(ctx.state.payload, required)) return next();
    ctx.state.authError = JamError.forbidden(required);
    respondAuthFailure(ctx, 403);
  };
}
