import type { Context } from 'koa';
import { createParamDecorator } from 'routing-controllers';
import { checkBoolean, checkSection } from '../shared/option-checks.js';
import { unauthenticatedStatus } from '../koa/auth-failure.js';
import { authHttpError } from './auth-http-error.js';

/** Injects `ctx.state.payload`; with `required: true` an anonymous request answers 401 (503 when the store was down). */
export function Payload(options: { required?: boolean } = {}): ParameterDecorator {
  checkSection('@Payload', options, ['required']);
  const required = checkBoolean('@Payload.required', options.required ?? false);
  return createParamDecorator({
    value(action) {
      const ctx = action.context as Context;
      if (required && ctx.state.payload == null) throw authHttpError(unauthenticatedStatus(ctx));
      return ctx.state.payload;
    },
  }) as ParameterDecorator;
}
