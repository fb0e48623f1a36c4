import { JamError } from '../jam-error.js';

export function invalid(reason: string, cause?: unknown): JamError {
  return new JamError(
    'ERR_JWT_INVALID',
    `invalid token: ${reason}`,
    cause === undefined ? undefined : { cause },
  );
}

export function revoked(reason = 'token has been revoked'): JamError {
  return new JamError('ERR_JWT_REVOKED', reason);
}
