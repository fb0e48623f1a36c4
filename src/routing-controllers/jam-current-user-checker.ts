import type { Context } from 'koa';
import type { CurrentUserChecker } from 'routing-controllers';
import { checkFunction } from '../shared/option-checks.js';
import { resolveSection, type OptionsSchema } from '../shared/options-schema.js';
import type { JamStatePayload } from '../koa/koa-state.js';
import { loadUser, type LoadUser } from './load-user.js';

/** Options of `jamCurrentUserChecker`. */
export interface JamCurrentUserOptions<U = JamStatePayload> {
  /** Makes the user of the payload; pass the same function to jamAuthorizationChecker to share its result. */
  load?: LoadUser<U>;
}

/** The jamCurrentUserChecker options, declared once. */
export const JAM_CURRENT_USER_OPTIONS = {
  load: {
    doc: '`(payload, ctx)`: the user of the payload (share it with jamAuthorizationChecker)',
    check: checkFunction,
  },
} as const satisfies OptionsSchema;

/**
 * A `currentUserChecker` for routing-controllers: `@CurrentUser()` gets `ctx.state.payload`, or what `load`
 * returns for it; null for an anonymous request (`@CurrentUser({ required: true })` then answers 401).
 */
export function jamCurrentUserChecker<U>(options: JamCurrentUserOptions<U> = {}): CurrentUserChecker {
  resolveSection('jamCurrentUserChecker', JAM_CURRENT_USER_OPTIONS, options);
  const { load } = options;
  return (action) => {
    const ctx = action.context as Context;
    return load ? loadUser(ctx, load) : (ctx.state.payload ?? null);
  };
}
