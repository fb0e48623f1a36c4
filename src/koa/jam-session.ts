import type { Middleware } from 'koa';
import { isJamError, JamError } from '../engine/jam-error.js';
import type { Jam } from '../engine/jam.js';
import { resolveSection, type OptionsSchema } from '../shared/options-schema.js';
import { assertJam } from './jam-context.js';
import type { JamStatePayload } from './koa-state.js';
import { refuseCredential } from './auth-failure.js';
import {
  SESSION_COOKIE_ATTRIBUTES,
  SESSION_COOKIE_NAME,
  setSessionCookie,
  type SessionCookieOptions,
} from './session-cookie.js';
import {
  checkCredentialName,
  firstCredential,
  resolversFor,
  type CredentialSources,
} from './token-resolvers.js';

/** Where jamSession looks for the session id: the cookie (default `sessionId`), then `Bearer <id>` in a header (default none). */
export interface JamSessionOptions extends CredentialSources {
  /** The attributes the cookie was set with, for re-sending it with rolling sessions. */
  cookie?: Pick<SessionCookieOptions, 'path' | 'domain' | 'sameSite'>;
}

/** The jamSession options, declared once (docs/sessions.md shows them); a string is `cookieName`. */
export const JAM_SESSION_OPTIONS = {
  cookieName: {
    doc: 'cookie the id is read from first; `null` turns it off.',
    default: SESSION_COOKIE_NAME,
    check: checkCredentialName,
  },
  headerName: {
    doc: 'header read as `Bearer <id>` when there is no cookie; `null` turns it off.',
    default: null,
    check: checkCredentialName,
  },
  cookie: {
    doc: '`{ path, domain, sameSite }` the cookie was set with, to re-send it (rolling sessions; see [below](#cookies)).',
    check: (path: string, value: unknown) => resolveSection(path, SESSION_COOKIE_ATTRIBUTES, value),
  },
} as const satisfies OptionsSchema;

/**
 * Loads the request's session and sets `ctx.state.payload` to its data (null when absent, unknown or when
 * the store is down, with the reason on `ctx.state.authError`) and `ctx.state.sessionId`. It never rejects
 * a request: the route decides, e.g. with requirePayload(). With `rolling` sessions it re-sends the cookie,
 * so the browser keeps it as long as the server keeps the session.
 */
export function jamSession(jam: Jam, options: string | JamSessionOptions = SESSION_COOKIE_NAME): Middleware {
  assertJam('jamSession', jam);
  const given = typeof options === 'string' ? { cookieName: options } : options;
  const { cookie, ...sources } = resolveSection('jamSession', JAM_SESSION_OPTIONS, given);
  const resolve = resolversFor(sources);
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
        if (data === null) refuseCredential(ctx, 'session', JamError.sessionNotFound());
        else {
          ctx.state.payload = data;
          ctx.state.sessionId = id;
          if (rolling && sources.cookieName !== null && ctx.cookies.get(sources.cookieName) === id) {
            setSessionCookie(ctx, id, { ...cookie, cookieName: sources.cookieName });
          }
        }
      } catch (err) {
        if (!isJamError(err)) throw err;
        refuseCredential(ctx, 'session', err);
      }
    }
    return next();
  };
}
