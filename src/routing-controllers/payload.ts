import type { Context } from 'koa';
import { createParamDecorator } from 'routing-controllers';
import { checkBoolean } from '../shared/option-checks.js';
import { resolveSection, type OptionsSchema } from '../shared/options-schema.js';
import { unauthenticatedStatus } from '../koa/auth-failure.js';
import { authHttpError } from './auth-http-error.js';

/** The @Payload options, declared once. */
export const PAYLOAD_OPTIONS = {
  required: {
    doc: 'an anonymous request answers 401 (503 when the store was down)',
    default: false,
    check: checkBoolean,
  },
} as const satisfies OptionsSchema;

/** Injects `ctx.state.payload`; with `required: true` an anonymous request answers 401 (503 when the store was down). */
export function Payload(options: { required?: boolean } = {}): ParameterDecorator {
  const { required } = resolveSection('@Payload', PAYLOAD_OPTIONS, options);
  return createParamDecorator({
    value(action) {
      const ctx = action.context as Context;
      if (required && ctx.state.payload == null) throw authHttpError(unauthenticatedStatus(ctx));
      return ctx.state.payload;
    },
  }) as ParameterDecorator;
}
