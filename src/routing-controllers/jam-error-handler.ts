import { STATUS_CODES } from 'node:http';
import type { Middleware } from 'koa';
import { isAuthFailureStatus, respondAuthFailure, unauthenticatedStatus } from '../koa/auth-failure.js';

/**
 * Renders the errors of routing-controllers created with `defaultErrorHandler: false`; use it first, before
 * jamJwt / jamSession. Its own handler puts stack traces in the JSON unless NODE_ENV=production; here 401, 403
 * and 503 get the generic bodies of requirePayload(), other 4xx errors their message and validation
 * constraints, and anything else goes on to Koa, which answers 500.
 */
export function jamErrorHandler(): Middleware {
  return async function jamErrorHandler(ctx, next) {
    try {
      await next();
    } catch (err) {
      const status = (err as { httpCode?: unknown }).httpCode;
      if (typeof status !== 'number' || status < 400 || (status >= 500 && status !== 503)) throw err;
      if (isAuthFailureStatus(status)) {
        // The checkers and @Payload throw the right status; routing-controllers' own 401 for
        // @CurrentUser({ required: true }) (not exported, known by name) cannot know that a store was down.
        return respondAuthFailure(
          ctx,
          (err as Error).name === 'AuthorizationRequiredError' ? unauthenticatedStatus(ctx) : status,
        );
      }
      ctx.status = status;
      ctx.body = { error: (err as Error).message || STATUS_CODES[status], ...constraintsOf(err) };
    }
  };
}

/** class-validator failures without their `target` and `value`, which echo the request body (a password, say). */
function constraintsOf(err: unknown): { errors?: { property: string; constraints: unknown }[] } {
  const errors = (err as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return {};
  return { errors: errors.map(({ property, constraints }) => ({ property, constraints })) };
}
