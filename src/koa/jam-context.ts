import type { Middleware } from 'koa';
import { JamError } from '../engine/jam-error.js';
import type { Jam } from '../engine/jam.js';

/** Makes the instance reachable as `ctx.jam` in every handler (Jam's JamExtension). */
export function jamContext(jam: Jam): Middleware {
  assertJam('jamContext', jam);
  return function jamContext(ctx, next) {
    ctx.jam = jam;
    return next();
  };
}

export function assertJam(owner: string, jam: unknown): asserts jam is Jam {
  if (jam === null || typeof jam !== 'object' || typeof (jam as Jam).verifyJwtToken !== 'function') {
    throw JamError.config(`${owner}: the first argument must be a Jam instance`);
  }
}
