import { isJamError, JamError } from '../jam-error.js';

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
