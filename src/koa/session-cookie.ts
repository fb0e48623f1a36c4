import type { Context } from 'koa';
import { JamError } from '../engine/jam-error.js';
import { checkOneOf, checkString } from '../shared/option-checks.js';
import type { OptionsSchema } from '../shared/options-schema.js';

/** The cookie jamSession reads and setSessionCookie writes unless told another name. */
export const SESSION_COOKIE_NAME = 'sessionId';

/** The SameSite values a session cookie may take. */
export const SAME_SITE = ['lax', 'strict', 'none'] as const;

/** Attributes of the session cookie; it is always HttpOnly, and Secure over HTTPS. */
export interface SessionCookieOptions {
  /** Default `sessionId`. */
  cookieName?: string;
  /** Seconds; default the session ttl of `ctx.jam`. */
  maxAge?: number;
  /** Default `/`. */
  path?: string;
  /** Default none: the cookie goes to this host only. */
  domain?: string;
  /** Default `lax`: sent on top-level navigations from other sites, never on their subrequests or forms' POSTs. */
  sameSite?: (typeof SAME_SITE)[number];
}

/**
 * The attributes a session cookie was set with, declared once (jamSession's `cookie` option; docs/sessions.md
 * shows them). Absent ones keep setSessionCookie's defaults.
 */
export const SESSION_COOKIE_ATTRIBUTES = {
  path: { doc: 'the `Path` the cookie was set with.', defaultDoc: '`/`', check: checkString },
  domain: {
    doc: 'the `Domain` the cookie was set with; without it the cookie goes to this host only.',
    defaultDoc: '—',
    check: checkString,
  },
  sameSite: {
    doc: '`lax`, `strict` or `none`.',
    defaultDoc: '`lax`',
    check: (path: string, value: unknown) => checkOneOf(path, value, SAME_SITE),
  },
} as const satisfies OptionsSchema;

/**
 * Sets the session cookie: HttpOnly (scripts cannot read it), SameSite=Lax, Path=/, and Secure whenever the
 * request is HTTPS — as Koa sees it, so behind a TLS-terminating proxy set `app.proxy = true`.
 */
export function setSessionCookie(ctx: Context, id: string, options: SessionCookieOptions = {}): void {
  const maxAge = options.maxAge ?? sessionTtl(ctx);
  writeCookie(ctx, id, { ...options, maxAge });
}

/** Removes the session cookie (give the same path and domain it was set with). */
export function clearSessionCookie(ctx: Context, options: Omit<SessionCookieOptions, 'maxAge'> = {}): void {
  writeCookie(ctx, '', options); // the `cookies` package expires an empty cookie in 1970
}

function writeCookie(
  ctx: Context,
  value: string,
  { cookieName = SESSION_COOKIE_NAME, maxAge, path = '/', domain, sameSite = 'lax' }: SessionCookieOptions,
): void {
  ctx.cookies.set(cookieName, value, {
    httpOnly: true,
    sameSite,
    path,
    domain,
    secure: ctx.secure,
    maxAge: maxAge === undefined ? undefined : maxAge * 1000, // sent as `expires`
    overwrite: true,
  });
}

function sessionTtl(ctx: Context): number {
  if (typeof ctx.jam?.sessionLifetime !== 'function') {
    throw JamError.config('setSessionCookie: pass { maxAge } or use jamSession/jamContext so ctx.jam is set');
  }
  return ctx.jam.sessionLifetime().ttl;
}
