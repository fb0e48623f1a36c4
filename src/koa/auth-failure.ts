import type { Context } from 'koa';
import { publish } from '../engine/jam-events.js';
import type { JamError } from '../engine/jam-error.js';

/** The statuses a refused request gets; anything else is not an auth failure. */
export type AuthFailureStatus = 401 | 403 | 503;

const BODIES: Record<AuthFailureStatus, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  503: 'Service Unavailable',
};

/**
 * The status for a request without a payload, from the `status` of the JamError that left it anonymous:
 * 503 when a store was down (logging in again would not help), else 401.
 */
export function unauthenticatedStatus(ctx: Context): 401 | 503 {
  return ctx.state.authError?.status === 503 ? 503 : 401;
}

/** The whole body of an authentication failure: the status's reason phrase. */
export function authFailureBody(status: AuthFailureStatus): { error: string } {
  return { error: BODIES[status] };
}

/** Answers with a short generic body: the reason stays on ctx.state.authError, server side. */
export function respondAuthFailure(ctx: Context, status: AuthFailureStatus): void {
  ctx.status = status;
  ctx.body = authFailureBody(status);
  if (status === 401) ctx.set('WWW-Authenticate', 'Bearer');
}

export function isAuthFailureStatus(status: unknown): status is AuthFailureStatus {
  return status === 401 || status === 403 || status === 503;
}

/**
 * A credential the request presented was refused: the reason goes on ctx.state.authError, and
 * `koa-jam:auth.failure` is published, once per request and middleware (jamJwt, jamSession). The engine's
 * verifyJwtToken and getSession publish none: an app may call them several times for one request.
 */
export function refuseCredential(ctx: Context, source: 'jwt' | 'session', err: JamError): void {
  ctx.state.authError = err;
  publish('auth.failure', () => {
    const { code, check, message: reason } = err;
    return check === undefined ? { source, code, reason } : { source, code, check, reason };
  });
}
