import type { Context, Middleware } from 'koa';

/** The status for an anonymous request: 503 when the store was down (logging in again would not help), else 401. */
export function authFailureStatus(ctx: Context): 401 | 503 {
  return ctx.state.authError?.code === 'ERR_STORE_UNAVAILABLE' ? 503 : 401;
}

/** A short generic body: the reason stays on ctx.state.authError, server side. */
export function respondAuthFailure(ctx: Context, status: 401 | 403 | 503): void {
  ctx.status = status;
  ctx.body = authFailureBody(status);
  if (status === 401) ctx.set('WWW-Authenticate', 'Bearer');
}

/** The whole body of an authentication failure: the status's reason phrase. */
export function authFailureBody(status: 401 | 403 | 503): { error: string } {
  return { error: status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Service Unavailable' };
}

/** Guard for routes and apps: lets requests with a payload through, answers the others 401 (or 503). */
export function requirePayload(): Middleware {
  return async function requirePayload(ctx, next) {
    if (ctx.state.payload != null) return next();
    respondAuthFailure(ctx, authFailureStatus(ctx));
  };
}
