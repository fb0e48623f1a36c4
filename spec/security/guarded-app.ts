import type { Server } from 'node:http';
import Koa from 'koa';
import { jamJwt, requirePayload, type Jam, type JamJwtOptions } from 'koa-jam';

/** The header through which the security specs read ctx.state.authError; an app must never expose it. */
export const REASON_HEADER = 'x-spec-auth-reason';

/** Puts the code of ctx.state.authError (or `none`) on REASON_HEADER, for the specs to read. */
export const exposeReason: Koa.Middleware = (ctx, next) => {
  ctx.set(REASON_HEADER, ctx.state.authError?.code ?? 'none');
  return next();
};

export interface GuardedApp {
  app: Koa;
  /** How many requests got past requirePayload() to the protected handler. */
  reached: { count: number };
}

/** A Koa app whose every route is protected: jamJwt, then requirePayload(), then a handler echoing the payload. */
export function guardedApp(jam: Jam, options?: JamJwtOptions): GuardedApp {
  const app = new Koa();
  const reached = { count: 0 };
  app.use(jamJwt(jam, options));
  app.use(exposeReason);
  app.use(requirePayload());
  app.use((ctx) => {
    reached.count++;
    ctx.body = { payload: ctx.state.payload };
  });
  return { app, reached };
}

/** Listens on a random loopback port; for specs that send many requests to one server. */
export function listenOnLoopback(app: Koa): Promise<Server> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}
