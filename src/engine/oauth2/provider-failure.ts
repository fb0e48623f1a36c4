import { isJamError, JamError, type OAuth2Refusal } from '../jam-error.js';
import type { JamEvents } from '../jam-events.js';

/**
 * What a failed call to the provider means for the user: the provider down, unreachable, too slow or
 * answering 5xx is ERR_PROVIDER_UNAVAILABLE (503, try later); anything else (a refused code, an ID token that
 * does not validate, `error=access_denied`) is ERR_OAUTH2 (401).
 */
export function providerFailure(provider: string, err: unknown): JamError {
  if (isJamError(err)) return err;
  if (isOutage(err)) return JamError.providerUnavailable(provider, err);
  const e = err as { name?: unknown; error?: unknown; message?: unknown; cause?: unknown };
  const error = typeof e?.error === 'string' ? e.error : undefined;
  // openid-client wraps the specific message (e.g. which claim failed) as the cause; values stay in its fields.
  const detail = e?.cause instanceof Error ? ` (${e.cause.message})` : '';
  const message = `${provider}: ${error ? `${error}: ` : ''}${typeof e?.message === 'string' ? e.message : 'error'}${detail}`;
  const reason = e?.name === 'AuthorizationResponseError' ? 'denied' : 'exchange';
  return JamError.oauth2Refused(reason, message, { provider, error, cause: err });
}

function isOutage(err: unknown): boolean {
  for (let e = err as { name?: string; message?: string; cause?: unknown } | undefined; e;) {
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return true;
    if (e instanceof TypeError && e.message === 'fetch failed') return true; // refused, reset, DNS
    const status = (e as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 500) return true; // a Response or an error about one
    e = e.cause as typeof e;
  }
  return false;
}

/**
 * The `oauth2.failure` message of a refused or failed sign-in: the refusal (`err.detail.reason`) and the
 * provider's OAuth error code (`access_denied`, `invalid_grant`), never a code, state or token.
 */
export function failureEvent(provider: string, err: JamError): JamEvents['koa-jam:oauth2.failure'] {
  const { reason, error } = err.detail ?? {};
  return {
    provider,
    code: err.code,
    reason: err.code === 'ERR_OAUTH2' ? (reason as OAuth2Refusal) : 'unavailable',
    // An OAuth error code is printable ASCII (RFC 6749 §4.1.2.1); it comes from the callback URL, so anything else stays out.
    ...(typeof error === 'string' && /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}$/.test(error) && { error }),
  };
}
