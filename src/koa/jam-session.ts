import type { Middleware } from 'koa';
import { isJamError, JamError } from '../engine/jam-error.js';
import type { Jam } from '../engine/jam.js';
import { checkOneOf, checkSection } from '../shared/option-checks.js';
import { assertJam } from './jam-context.js';
import type { JamStatePayload } from './koa-state.js';
import {
  SAME_SITE,
  SESSION_COOKIE_NAME,
  setSessionCookie,
  type SessionCookieOptions,
} from './session-cookie.js';
import { firstCredential, resolversFor, type CredentialSources } from './token-resolvers.js';

/** Where jamSession looks for the session id: the cookie (default `sessionId`), then `Bearer <id>` in a header (default none). */
export interface JamSessionOptions extends CredentialSources {
  /** The attributes the cookie was set with, for re-sending it with rolling sessions. */
  cookie?: Pick<SessionCookieOptions, 'path' | 'domain' | 'sameSite'>;
}

/**
 * Loads the request's session and sets `ctx.state.payload` to its data (null when absent, unknown or when
 * the store is down, with the reason on `ctx.state.authError`) and `ctx.state.sessionId`. It never rejects
 * a request: the route decides, e.g. with requirePayload(). With `rolling` sessions it re-sends the cookie,
 * so the browser keeps it as long as the server keeps the session.
 */
export function jamSession(jam: Jam, options: string | JamSessionOptions = SESSION_COOKIE_NAME): Middleware {
  assertJam('jamSession', jam);
  const given = typeof options === 'string' ? { cookieName: options } : options;
  checkSection('jamSession', given, ['cookieName', 'headerName', 'cookie']);
  const { cookie, ...sources } = { cookieName: SESSION_COOKIE_NAME, headerName: null, ...given };
  if (cookie !== undefined) {
    checkSection('jamSession.cookie', cookie, ['path', 'domain', 'sameSite']);
    if (cookie.sameSite !== undefined) checkOneOf('jamSession.cookie.sameSite', cookie.sameSite, SAME_SITE);
  }
  const resolve = resolversFor('jamSession', sources);
  const { rolling } = jam.sessionLifetime(); // also fails fast when sessions are not configured
  return async function jamSession(ctx, next) {
    ctx.jam = jam;
    ctx.state.payload = null;
    ctx.state.sessionId = null;
    ctx.state.authError = null;
    const id = firstCredential(resolve, ctx);
    if (id !== undefined) {
      try {
        const data = await jam.getSession<JamStatePayload & object>(id);
        if (data === null) ctx.state.authError = JamError.sessionNotFound();
        else {
          ctx.state.payload = data;
          ctx.state.sessionId = id;
          if (rolling && sources.cookieName !== null && ctx.cookies.get(sources.cookieName) === id) {
            setSessionCookie(ctx, id, { ...cookie, cookieName: sources.cookieName });
          }
        }
      } catch (err) {
        if (!isJamError(err)) throw err;
        ctx.state.authError = err;
      }
    }
    return next();
  };
}
