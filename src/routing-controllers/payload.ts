import type { Context } from 'koa';
import { createParamDecorator } from 'routing-controllers';
import { checkBoolean, checkSection } from '../engine/config/option-checks.js';
import { authFailureStatus } from '../koa/require-payload.js';
import { authHttpError } from './auth-http-error.js';

/** Injects `ctx.state.payload`; with `required: true` an anonymous request answers 401 (503 when the store was down). */
export function Payload(options: { required?: boolean } = {}): ParameterDecorator {
  checkSection('@Payload options', options, ['required']);
  const required = checkBoolean('@Payload required', options.required ?? false);
  return createParamDecorator({
    value(action) {
      const ctx = action.context as Context;
      if (required && ctx.state.payload == null) throw authHttpError(authFailureStatus(ctx));
      return ctx.state.payload;
    },
  }) as ParameterDecorator;
}
