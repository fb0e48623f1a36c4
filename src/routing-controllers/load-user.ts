import type { Context } from 'koa';
import type { JamStatePayload } from '../koa/koa-state.js';

/** Turns a verified payload into your user (a database lookup, say); null or undefined when there is none. */
export type LoadUser<U> = (
  payload: JamStatePayload,
  ctx: Context,
) => U | null | undefined | Promise<U | null | undefined>;

// Per request and per function: both checkers and every @CurrentUser share one call to `load`.
const loaded = new WeakMap<Context, Map<LoadUser<unknown>, Promise<unknown>>>();

/** The user `load` makes of the request's payload (null without one); `load` runs at most once per request. */
export function loadUser<U>(ctx: Context, load: LoadUser<U>): Promise<U | null> {
  const payload = ctx.state.payload;
  if (payload == null) return Promise.resolve(null);
  let calls = loaded.get(ctx);
  if (calls === undefined) loaded.set(ctx, (calls = new Map()));
  let user = calls.get(load);
  if (user === undefined) {
    user = Promise.resolve(load(payload, ctx)).then((found) => found ?? null);
    calls.set(load, user);
  }
  return user as Promise<U | null>;
}
