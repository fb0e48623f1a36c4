import type { Middleware } from 'koa';
import { isJamError, JamError } from '../engine/jam-error.js';
import type { Jam } from '../engine/jam.js';
import { checkFunction } from '../shared/option-checks.js';
import { resolveSection, type OptionsSchema } from '../shared/options-schema.js';
import type { JamStatePayload } from './koa-state.js';
import { assertJam } from './jam-context.js';
import { refuseCredential } from './auth-failure.js';
import {
  checkCredentialName,
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

/** The jamJwt options, declared once (docs/jwt.md shows them). */
export const JAM_JWT_OPTIONS = {
  headerName: {
    doc: 'header read as `Bearer <token>`; `null` turns it off.',
    default: 'Authorization',
    check: checkCredentialName,
  },
  cookieName: {
    doc: 'cookie read first when set; `null` turns it off.',
    default: null,
    check: checkCredentialName,
  },
  resolvers: {
    doc: 'your own list of `(ctx) => string \\| undefined`, first match wins; replaces both sources.',
    check: checkResolvers,
  },
} as const satisfies OptionsSchema;

/**
 * Verifies the request's JWT and sets `ctx.state.payload` (null when absent or invalid, with the
 * reason on `ctx.state.authError`). It never rejects a request: the route decides, e.g. with requirePayload().
 */
export function jamJwt(jam: Jam, options: JamJwtOptions = {}): Middleware {
  assertJam('jamJwt', jam);
  const { resolvers, ...sources } = resolveSection('jamJwt', JAM_JWT_OPTIONS, options);
  const resolve = resolvers ?? resolversFor(sources);
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
        refuseCredential(ctx, 'jwt', err);
      }
    }
    return next();
  };
}

function checkResolvers(path: string, value: unknown): TokenResolver[] {
  if (!Array.isArray(value)) throw JamError.config(`${path} must be an array of functions`);
  return value.map((resolver, i) => checkFunction(`${path}[${i}]`, resolver) as TokenResolver);
}
