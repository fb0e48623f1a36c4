import type { Middleware } from 'koa';
import { respondAuthFailure, unauthenticatedStatus } from './auth-failure.js';

/** Guard for routes and apps: lets requests with a payload through, answers the others 401 (or 503). */
export function requirePayload(): Middleware {
  return async function requirePayload(ctx, next) {
    if (ctx.state.payload != null) return next();
    respondAuthFailure(ctx, unauthenticatedStatus(ctx));
  };
}
