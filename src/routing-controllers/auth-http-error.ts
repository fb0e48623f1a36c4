import { STATUS_CODES } from 'node:http';
import { HttpError } from 'routing-controllers';
import type { AuthFailureStatus } from '../koa/auth-failure.js';

/** What the checkers and @Payload throw: a bare status, nothing about the request, token or payload. */
export function authHttpError(status: AuthFailureStatus): HttpError {
  return new HttpError(status, STATUS_CODES[status]);
}
