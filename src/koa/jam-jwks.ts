import { hash } from 'node:crypto';
import type { Middleware } from 'koa';
import { JamError } from '../engine/jam-error.js';
import type { Jam } from '../engine/jam.js';
import { checkNonNegativeNumber } from '../shared/option-checks.js';
import { resolveSection, type OptionsSchema } from '../shared/options-schema.js';
import { assertJam } from './jam-context.js';

/** Options of `jamJwks`. */
export interface JamJwksOptions {
  /** The path answered. */
  path?: string;
  /** Seconds clients and proxies may cache the set. */
  maxAge?: number;
}

/** The jamJwks options, declared once (docs/jwt.md shows them). */
export const JAM_JWKS_OPTIONS = {
  path: {
    doc: 'the path answered; must start with `/`.',
    default: '/.well-known/jwks.json',
    check: (path: string, value: unknown) => {
      if (typeof value !== 'string' || !value.startsWith('/'))
        throw JamError.config(`${path} must start with /`);
      return value;
    },
  },
  maxAge: {
    doc: 'seconds clients and proxies may cache the set (`Cache-Control`); short, so a new key is seen.',
    default: 300,
    check: (path: string, value: unknown) => checkNonNegativeNumber(path, value, { integer: true }),
  },
} as const satisfies OptionsSchema;

/** Answers `GET <path>` with the public JWK Set, with Cache-Control and an ETag; other requests pass on. */
export function jamJwks(jam: Jam, options: JamJwksOptions = {}): Middleware {
  assertJam('jamJwks', jam);
  const { path, maxAge } = resolveSection('jamJwks', JAM_JWKS_OPTIONS, options);
  const jwks = jam.jwks();
  if (jwks.keys.length === 0) {
    throw JamError.config('jamJwks: no asymmetric key to publish (HS* keys are secret and never published)');
  }
  // Keys are fixed for the life of the instance: the body and its ETag are built once.
  const body = JSON.stringify(jwks);
  const etag = `"${hash('sha256', body, 'base64url')}"`;
  const cacheControl = `public, max-age=${maxAge}`;
  return async function jamJwks(ctx, next) {
    if (ctx.path !== path || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    ctx.status = 200;
    ctx.set('Cache-Control', cacheControl);
    ctx.etag = etag;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    ctx.type = 'application/jwk-set+json';
    ctx.body = body;
  };
}
