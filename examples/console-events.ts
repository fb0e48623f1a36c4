import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { JamEvents } from 'koa-jam';

/** The events an operator must see at once, as one console line each. */
const LINES: { [C in keyof JamEvents]?: (message: JamEvents[C]) => string } = {
  'koa-jam:refresh.reuse': (m) => `refresh token reused: login ${m.family} of ${m.sub ?? '?'} revoked`,
  'koa-jam:otp.lockout': (m) =>
    `${m.sessionKey} locked out after ${m.failures} wrong codes, until ${new Date(m.lockedUntil).toISOString()}`,
  'koa-jam:store.unavailable': (m) => `${m.store} store unavailable: ${m.error}`,
  'koa-jam:store.recovered': (m) => `${m.store} store back after ${m.downMs} ms`,
  'koa-jam:oauth2.failure': (m) =>
    `sign-in with ${m.provider} failed: ${m.code} (${m.reason}${m.error ? `, ${m.error}` : ''})`,
  'koa-jam:passkey.counter': (m) =>
    `passkey ${m.credentialId} of ${m.userId} refused, counter ${m.received} after ${m.stored}: possibly cloned`,
};

/**
 * Prints refresh-token reuse, OTP lockouts, store outages, failed sign-ins with an identity provider and
 * possibly cloned passkeys (examples/web-app.ts uses it); returns a stop function.
 */
export function logSecurityEvents(log: (line: string) => void = console.log): () => void {
  const stops = Object.entries(LINES).map(([channel, line]) => {
    const listener = (message: unknown) => log(`[security] ${(line as (m: unknown) => string)(message)}`);
    subscribe(channel, listener);
    return () => unsubscribe(channel, listener);
  });
  return () => stops.forEach((stop) => stop());
}
