import { HttpError } from 'routing-controllers';
import { authFailureBody, type AuthFailureStatus } from '../koa/auth-failure.js';

/**
 * What the checkers and @Payload throw: a bare status, nothing about the request, token or payload. Its
 * `toJSON` is the generic body of requirePayload(), which routing-controllers' own error handler sends as is:
 * without jamErrorHandler, it would otherwise send the error's stack (server file paths) outside production.
 */
export function authHttpError(status: AuthFailureStatus): HttpError {
  const error = new HttpError(status, authFailureBody(status).error);
  return Object.assign(error, { toJSON: () => authFailureBody(status) });
}
