import type { Context } from 'koa';
import { createParamDecorator } from 'routing-controllers';
import { authFailureStatus } from '../koa/require-payload.js';
import { authHttpError } from './auth-http-error.js';

/** Injects `ctx.state.payload`; with `required: true` an anonymous request answers 401 (503 when the store was down). */
export function Payload(options: { required?: boolean } = {}): ParameterDecorator {
  const required = options.required === true;
  return createParamDecorator({
    value(action) {
      const ctx = action.context as Context;
      if (required && ctx.state.payload == null) throw authHttpError(authFailureStatus(ctx));
      return ctx.state.payload;
    },
  }) as ParameterDecorator;
}
