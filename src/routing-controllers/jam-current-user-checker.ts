import type { Context } from 'koa';
import type { CurrentUserChecker } from 'routing-controllers';
import { checkFunction, checkSection } from '../shared/option-checks.js';
import type { JamStatePayload } from '../koa/koa-state.js';
import { loadUser, type LoadUser } from './load-user.js';

/** Options of `jamCurrentUserChecker`. */
export interface JamCurrentUserOptions<U = JamStatePayload> {
  /** Makes the user of the payload; pass the same function to jamAuthorizationChecker to share its result. */
  load?: LoadUser<U>;
}

/**
 * A `currentUserChecker` for routing-controllers: `@CurrentUser()` gets `ctx.state.payload`, or what `load`
 * returns for it; null for an anonymous request (`@CurrentUser({ required: true })` then answers 401).
 */
export function jamCurrentUserChecker<U>(options: JamCurrentUserOptions<U> = {}): CurrentUserChecker {
  checkSection('jamCurrentUserChecker', options, ['load']);
  const load = options.load && checkFunction('jamCurrentUserChecker.load', options.load);
  return (action) => {
    const ctx = action.context as Context;
    return load ? loadUser(ctx, load) : (ctx.state.payload ?? null);
  };
}
