import { JamError } from '../jam-error.js';

/** Why a login was refused, as `err.detail.reason` of its ERR_OAUTH2 (stable, for logs and monitoring). */
export type LoginRefusal =
  | 'no-state' // the callback has no state
  | 'no-cookie' // the browser has no (well-formed) transaction cookie
  | 'unknown' // no transaction for this browser and state: wrong, forged, expired from the store, or spent
  | 'replayed' // a racing copy of the callback took it first
  | 'wrong-provider' // started at another provider (mix-up)
  | 'denied' // the provider answered error=… (access_denied, invalid_request, …)
  | 'exchange' // the code did not exchange, or the response or ID token did not validate
  | 'no-subject'; // the profile has no id

export function loginRefused(
  reason: LoginRefusal,
  message: string,
  { provider, error, cause }: { provider?: string; error?: string; cause?: unknown } = {},
): JamError {
  return new JamError('ERR_OAUTH2', `login refused: ${message}`, {
    cause,
    detail: {
      reason,
      ...(provider !== undefined && { provider }),
      ...(error !== undefined && { error }),
    },
  });
}
