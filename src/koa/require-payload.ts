import type { Context, Middleware } from 'koa';
import { publish } from '../engine/events/jam-channels.js';
import type { JamError } from '../engine/jam-error.js';

/**
 * A credential the request presented was refused: the reason goes on ctx.state.authError, and
 * `koa-jam:auth.failure` is published here, once per request and middleware, and not by the engine's
 * verifyJwtToken/getSession, which apps may call several times for one request.
 */
export function refuseCredential(ctx: Context, source: 'jwt' | 'session', err: JamError): void {
  ctx.state.authError = err;
  publish('auth.failure', () => ({ source, code: err.code, check: err.message }));
}

/** The status for an anonymous request: 503 when the store was down (logging in again would not help), else 401. */
export function authFailureStatus(ctx: Context): 401 | 503 {
  return ctx.state.authError?.code === 'ERR_STORE_UNAVAILABLE' ? 503 : 401;
}

/** A short generic body: the reason stays on ctx.state.authError, server side. */
export function respondAuthFailure(ctx: Context, status: 401 | 403 | 503): void {
  ctx.status = status;
  ctx.body = {
    error: status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Service Unavailable',
  };
  if (status === 401) ctx.set('WWW-Authenticate', 'Bearer');
}

/** Guard for routes and apps: lets requests with a payload through, answers the others 401 (or 503). */
export function requirePayload(): Middleware {
  return async function requirePayload(ctx, next) {
    if (ctx.state.payload != null) return next();
    respondAuthFailure(ctx, authFailureStatus(ctx));
  };
}
