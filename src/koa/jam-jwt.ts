import type { Middleware } from 'koa';
import { isJamError } from '../engine/jam-error.js';
import type { Jam } from '../engine/jam.js';
import { checkFunction, checkSection } from '../shared/option-checks.js';
import type { JamStatePayload } from './koa-state.js';
import { assertJam } from './jam-context.js';
import {
  firstCredential,
  resolversFor,
  type CredentialSources,
  type TokenResolver,
} from './token-resolvers.js';

/** Where `jamJwt` looks for the token: the cookie when `cookieName` is set, then `Bearer <token>` in `headerName`. */
export interface JamJwtOptions extends CredentialSources {
  /** Where to look for the token, first match wins; replaces headerName/cookieName when given. */
  resolvers?: TokenResolver[];
}

const DEFAULTS = { headerName: 'Authorization', cookieName: null } as const;

/**
 * Verifies the request's JWT and sets `ctx.state.payload` (null when absent or invalid, with the
 * reason on `ctx.state.authError`). It never rejects a request: the route decides, e.g. with requirePayload().
 */
export function jamJwt(jam: Jam, options: JamJwtOptions = {}): Middleware {
  assertJam('jamJwt', jam);
  checkSection('jamJwt', options, ['headerName', 'cookieName', 'resolvers']);
  const { resolvers, ...sources } = { ...DEFAULTS, ...options };
  resolvers?.forEach((resolver, i) => checkFunction(`jamJwt.resolvers[${i}]`, resolver));
  const resolve = resolvers ?? resolversFor('jamJwt', sources);
  return async function jamJwt(ctx, next) {
    ctx.jam = jam;
    ctx.state.payload = null;
    ctx.state.authError = null;
    const token = firstCredential(resolve, ctx);
    if (token !== undefined) {
      try {
        ctx.state.payload = await jam.verifyJwtToken<JamStatePayload & object>(token);
      } catch (err) {
        if (!isJamError(err)) throw err;
        ctx.state.authError = err;
      }
    }
    return next();
  };
}
