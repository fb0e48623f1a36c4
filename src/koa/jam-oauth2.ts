import type { Context, Middleware } from 'koa';
import { isJamError, JamError } from '../engine/jam-error.js';
import type { Jam } from '../engine/jam.js';
import type { OAuth2Login } from '../engine/oauth2/oauth2-login.js';
import { safeReturnTo } from '../shared/safe-return-to.js';
import { checkFunction, checkString } from '../shared/option-checks.js';
import { resolveSection, type OptionsSchema } from '../shared/options-schema.js';
import { assertJam } from './jam-context.js';
import { respondAuthFailure } from './auth-failure.js';

/** Options of `jamOAuth2`. */
export interface JamOAuth2Options {
  /** `GET <prefix>/<provider>/login` and `GET <prefix>/<provider>/callback`. */
  prefix?: string;
  /** Called after a successful login: start the app's session here. Unless it answers, the browser goes to `returnTo`. */
  onLogin: (ctx: Context, login: OAuth2Login) => unknown;
  /** Called instead of the generic 401/503 answer when a login fails (`err.status` says which); render a page here. */
  onError?: (ctx: Context, err: JamError) => unknown;
  /** The cookie binding login transactions to the browser. */
  cookieName?: string;
}

/** The jamOAuth2 options, declared once (docs/oauth2.md shows them). */
export const JAM_OAUTH2_OPTIONS = {
  prefix: {
    doc: '`GET <prefix>/<provider>/login` and `GET <prefix>/<provider>/callback`',
    default: '/auth',
    check: (path: string, value: unknown) => {
      if (typeof value !== 'string' || !/^\/(.*[^/])?$/.test(value)) {
        throw JamError.config(`${path} must start with / and not end with /`);
      }
      return value;
    },
  },
  onLogin: {
    doc: "`(ctx, login)`: start the app's session; unless it answers, the browser goes to `returnTo`",
    required: true,
    check: checkFunction,
  },
  onError: {
    doc: '`(ctx, err)`: render your own page for a failed login',
    defaultDoc: 'generic 401/503',
    check: checkFunction,
  },
  cookieName: {
    doc: 'the cookie that binds login transactions to the browser',
    default: 'jam_oauth2',
    check: checkString,
  },
} as const satisfies OptionsSchema;

/**
 * Sign-in with the identity providers of the Jam config's `oauth2` section. A failed login never calls
 * `onLogin`: the reason goes to `ctx.state.authError` and the answer is a generic 401 (503 when the provider
 * or the store is down), or whatever `onError` does.
 */
export function jamOAuth2(jam: Jam, options: JamOAuth2Options): Middleware {
  assertJam('jamOAuth2', jam);
  const { prefix, cookieName } = resolveSection('jamOAuth2', JAM_OAUTH2_OPTIONS, options);
  const { onLogin, onError } = options;
  const providers = new Set(jam.oauth2Providers());
  if (providers.size === 0) {
    throw JamError.config('jamOAuth2: no identity provider: add an `oauth2` section to the Jam config');
  }
  const base = prefix === '/' ? '' : prefix;
  const route = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/([^/]+)/(login|callback)$`);
  const cookiePath = base || '/';

  async function fail(ctx: Context, err: unknown): Promise<void> {
    if (!isJamError(err)) throw err;
    ctx.state.authError = err;
    if (onError !== undefined) await onError(ctx, err);
    else respondAuthFailure(ctx, err.status === 503 ? 503 : 401);
  }

  return async function jamOAuth2(ctx, next) {
    const match = ctx.method === 'GET' ? route.exec(ctx.path) : null;
    if (match === null || !providers.has(match[1]!)) return next();
    ctx.jam = jam;
    ctx.state.authError = null;
    const [, provider, step] = match as unknown as [string, string, string];
    const browserKey = ctx.cookies.get(cookieName) || undefined;
    if (step === 'login') {
      let start;
      try {
        const returnTo = typeof ctx.query.returnTo === 'string' ? ctx.query.returnTo : undefined;
        start = await jam.beginLogin(provider, { returnTo, browserKey });
      } catch (err) {
        return fail(ctx, err);
      }
      ctx.cookies.set(cookieName, start.browserKey, {
        httpOnly: true,
        // Lax: sent on the provider's top-level redirect back to the callback, never on cross-site subrequests.
        sameSite: 'lax',
        path: cookiePath,
        secure: ctx.secure,
        maxAge: start.maxAge * 1000,
        overwrite: true,
      });
      ctx.set('Cache-Control', 'no-store');
      return ctx.redirect(start.url);
    }
    let login: OAuth2Login;
    try {
      login = await jam.completeLogin(provider, { query: ctx.querystring, browserKey });
    } catch (err) {
      return fail(ctx, err);
    }
    try {
      await onLogin(ctx, login);
    } catch (err) {
      return fail(ctx, err); // e.g. the session store down: 503
    }
    if (ctx.body == null && !(ctx.status >= 300 && ctx.status < 400))
      ctx.redirect(safeReturnTo(login.returnTo));
  };
}
