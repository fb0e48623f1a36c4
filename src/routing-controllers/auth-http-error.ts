import { STATUS_CODES } from 'node:http';
import { HttpError } from 'routing-controllers';

/** What the checkers and @Payload throw: a bare status, nothing about the request, token or payload. */
export function authHttpError(status: 401 | 403 | 503): HttpError {
  return new HttpError(status, STATUS_CODES[status]);
}
