import { channel, type Channel } from 'node:diagnostics_channel';
import type { JamErrorCode, JwtCheck, OAuth2Refusal } from './jam-error.js';

/** Types a channel's message; the value itself is never used. */
const message = <M extends object>() => undefined as unknown as M;

type OtpRefusal = 'ERR_OTP_INVALID' | 'ERR_OTP_REPLAYED' | 'ERR_OTP_LOCKED';

/**
 * Every channel koa-jam publishes on (`koa-jam:<name>`) and the shape of its message: adding a channel is one
 * line here. Messages carry what an operator needs (subject, session key, error codes, reasons), never a
 * token, a session id, a secret, a code or a password. docs/events.md describes each one.
 */
const CHANNELS = {
  'auth.failure': message<{
    source: 'jwt' | 'session';
    code: JamErrorCode;
    check?: JwtCheck;
    reason: string;
  }>(),
  'refresh.reuse': message<{ sub?: string; family: string }>(),
  'token.revoked': message<{
    kind: 'token' | 'family' | 'subject';
    sub?: string;
    jti?: string;
    family?: string;
  }>(),
  'otp.failure': message<{
    sessionKey?: string;
    code: OtpRefusal;
    failures?: number;
    maxAttempts?: number;
    /** Set when the code refused was a recovery code. */
    recovery?: true;
  }>(),
  'otp.lockout': message<{ sessionKey: string; failures: number; lockedUntil: number }>(),
  'recovery.used': message<{ sessionKey: string }>(),
  'session.created': message<{ sessionKey: string; session: string }>(),
  'session.ended': message<{
    reason: 'logout' | 'clear' | 'rework' | 'expired-on-read' | 'limit';
    session?: string;
    sessionKey?: string;
    renewedAs?: string;
    except?: string;
  }>(),
  'csrf.refused': message<{ method: string; origin?: string; fetchSite?: string }>(),
  'store.unavailable': message<{ store: string; op: string; error: string }>(),
  'store.recovered': message<{ store: string; op: string; downMs: number }>(),
  'oauth2.login': message<{ provider: string; sub: string }>(),
  'oauth2.failure': message<{
    provider: string;
    code: JamErrorCode;
    reason: OAuth2Refusal | 'unavailable';
    error?: string;
  }>(),
  'passkey.registered': message<{ userId: string; credentialId: string }>(),
  'passkey.used': message<{ userId: string; credentialId: string }>(),
  'passkey.counter': message<{ userId: string; credentialId: string; stored: number; received: number }>(),
};

export type JamChannelName = keyof typeof CHANNELS;

/** Each channel's message, by full channel name: `JamEvents['koa-jam:auth.failure']`. */
export type JamEvents = { [N in JamChannelName as `koa-jam:${N}`]: (typeof CHANNELS)[N] };

/** The full name of every channel above, for subscribing to all of them. */
export const jamChannels = Object.keys(CHANNELS).map((name) => `koa-jam:${name}`) as (keyof JamEvents)[];

// Held here: Node keeps a channel only as long as something references it.
const channels = Object.fromEntries(
  Object.keys(CHANNELS).map((name) => [name, channel(`koa-jam:${name}`)]),
) as Record<JamChannelName, Channel>;

/** True when someone listens on the channel: for the rare event that needs a store read to build. */
export function subscribed(name: JamChannelName): boolean {
  return channels[name].hasSubscribers;
}

/** Builds and publishes the message only when someone subscribes: without subscribers this costs one check. */
export function publish<N extends JamChannelName>(name: N, build: () => (typeof CHANNELS)[N]): void {
  const target = channels[name];
  if (target.hasSubscribers) target.publish(build());
}
