import type { Middleware } from 'koa';
import { publish } from '../engine/jam-events.js';
import { JamError } from '../engine/jam-error.js';
import { resolveSection, type OptionsSchema } from '../shared/options-schema.js';
import { respondAuthFailure } from './auth-failure.js';

/** Options of `jamCsrf`. */
export interface JamCsrfOptions {
  /**
   * Only requests carrying one of these cookies are checked: a credential in a header cannot be forged
   * cross-site. By default the session cookie and the documented JWT cookie.
   */
  cookieName?: string | string[];
  /** Other origins allowed to send state-changing requests, e.g. `https://admin.example.com`. */
  allowedOrigins?: string[];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The jamCsrf options, declared once (docs/sessions.md shows them). */
export const JAM_CSRF_OPTIONS = {
  cookieName: {
    doc: 'only requests carrying one of these cookies are checked (a name or an array).',
    default: ['sessionId', 'jwt'],
    defaultDoc: "`['sessionId', 'jwt']`",
    check: checkCookieNames,
  },
  allowedOrigins: {
    doc: 'other origins allowed to send state-changing requests, e.g. `https://admin.example.com`.',
    default: [],
    check: checkOrigins,
  },
} as const satisfies OptionsSchema;

/**
 * Refuses cross-origin state-changing requests that carry a credential cookie, with 403 and a generic body.
 * Browsers say where a request comes from in `Sec-Fetch-Site` (all current ones) and `Origin`; a request
 * is allowed when it is same-origin, from an allowed origin, or from no browser at all (neither header).
 */
export function jamCsrf(options: JamCsrfOptions = {}): Middleware {
  const { cookieName: cookies, allowedOrigins } = resolveSection('jamCsrf', JAM_CSRF_OPTIONS, options);
  const allowed = new Set(allowedOrigins);
  return async function jamCsrf(ctx, next) {
    if (SAFE_METHODS.has(ctx.method) || !cookies.some((name) => ctx.cookies.get(name))) return next();
    const origin = ctx.get('Origin');
    const site = ctx.get('Sec-Fetch-Site');
    const sameOrigin =
      site === 'same-origin' ||
      site === 'none' ||
      (site === '' && origin === `${ctx.protocol}://${ctx.host}`);
    if (sameOrigin || allowed.has(origin) || (site === '' && origin === '')) return next();
    publish('csrf.refused', () => ({
      method: ctx.method,
      origin: origin || undefined,
      fetchSite: site || undefined,
    }));
    respondAuthFailure(ctx, 403);
  };
}

function checkCookieNames(path: string, names: unknown): string[] {
  const list = typeof names === 'string' ? [names] : names;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    !list.every((name) => typeof name === 'string' && name !== '')
  ) {
    throw JamError.config(`${path} must be a cookie name or a non-empty array of them`);
  }
  return list;
}

function checkOrigins(path: string, value: unknown): string[] {
  if (!Array.isArray(value)) throw JamError.config(`${path} must be an array of origins`);
  return value.map(checkOrigin);
}

function checkOrigin(origin: unknown): string {
  let parsed: URL | undefined;
  try {
    parsed = typeof origin === 'string' ? new URL(origin) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || parsed.origin === 'null' || parsed.origin !== origin) {
    throw JamError.config(
      'jamCsrf.allowedOrigins must hold origins like https://example.com (scheme, host, optional port, no path)',
    );
  }
  return origin;
}
