import type { Middleware } from 'koa';
import { JamError } from '../engine/jam-error.js';
import { checkString } from '../shared/option-checks.js';
import { resolveSection, type OptionsSchema } from '../shared/options-schema.js';
import { respondAuthFailure } from './auth-failure.js';

export interface JamCsrfOptions {
  /** Only requests carrying this cookie are checked: a credential in a header cannot be forged cross-site. */
  cookieName?: string;
  /** Other origins allowed to send state-changing requests, e.g. `https://admin.example.com`. */
  allowedOrigins?: string[];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The jamCsrf options, declared once (docs/sessions.md shows them). */
export const JAM_CSRF_OPTIONS = {
  cookieName: {
    doc: 'only requests carrying this cookie are checked.',
    default: 'sessionId',
    check: checkString,
  },
  allowedOrigins: {
    doc: 'other origins allowed to send state-changing requests, e.g. `https://admin.example.com`.',
    default: [],
    check: checkOrigins,
  },
} as const satisfies OptionsSchema;

/**
 * Refuses cross-origin state-changing requests that carry the session cookie, with 403 and a generic body.
 * Browsers say where a request comes from in `Sec-Fetch-Site` (all current ones) and `Origin`; a request
 * is allowed when it is same-origin, from an allowed origin, or from no browser at all (neither header).
 */
export function jamCsrf(options: JamCsrfOptions = {}): Middleware {
  const { cookieName, allowedOrigins } = resolveSection('jamCsrf', JAM_CSRF_OPTIONS, options);
  const allowed = new Set(allowedOrigins);
  return async function jamCsrf(ctx, next) {
    if (SAFE_METHODS.has(ctx.method) || !ctx.cookies.get(cookieName)) return next();
    const origin = ctx.get('Origin');
    const site = ctx.get('Sec-Fetch-Site');
    const sameOrigin =
      site === 'same-origin' ||
      site === 'none' ||
      (site === '' && origin === `${ctx.protocol}://${ctx.host}`);
    if (sameOrigin || allowed.has(origin) || (site === '' && origin === '')) return next();
    respondAuthFailure(ctx, 403);
  };
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
