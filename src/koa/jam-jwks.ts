import { hash } from 'node:crypto';
import type { Middleware } from 'koa';
import { JamError } from '../engine/jam-error.js';
import type { Jam } from '../engine/jam.js';
import { checkNonNegativeNumber, checkSection } from '../shared/option-checks.js';
import { assertJam } from './jam-context.js';

/** Options of `jamJwks`. */
export interface JamJwksOptions {
  /** Default `/.well-known/jwks.json`. */
  path?: string;
  /** Seconds clients and proxies may cache the set. Default 300: short, so a new key is seen soon. */
  maxAge?: number;
}

const DEFAULTS = { path: '/.well-known/jwks.json', maxAge: 300 };

/** Answers `GET <path>` with the public JWK Set, with Cache-Control and an ETag; other requests pass on. */
export function jamJwks(jam: Jam, options: JamJwksOptions = {}): Middleware {
  assertJam('jamJwks', jam);
  checkSection('jamJwks', options, ['path', 'maxAge']);
  const { path, maxAge } = { ...DEFAULTS, ...options };
  if (typeof path !== 'string' || !path.startsWith('/'))
    throw JamError.config('jamJwks.path must start with /');
  checkNonNegativeNumber('jamJwks.maxAge', maxAge, { integer: true });
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
