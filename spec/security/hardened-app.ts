import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import {
  clearSessionCookie,
  isJamError,
  Jam,
  jamJwt,
  jamSession,
  requirePayload,
  setSessionCookie,
  type JwtOptions,
  type SessionOptions,
} from 'koa-jam';
import { SECRET } from '../helpers/keys.js';
import { exposeReason, REASON_HEADER } from './guarded-app.js';

export const SESSION_COOKIE = 'sid';

export interface HardenedJamOptions {
  /** `redis://…` shares sessions and the black list between processes; absent means in memory. */
  storeUrl?: string;
  jwt?: Pick<JwtOptions, 'expire' | 'refreshExpire' | 'cache'>;
  session?: Pick<SessionOptions, 'ttl'>;
}

/** Sessions with sealed ids, and JWT token pairs with a black list, both on one store. */
export function hardenedJam({ storeUrl, jwt, session }: HardenedJamOptions = {}): Jam {
  const storeTimeout = 500;
  return new Jam({
    jwt: { secretKey: SECRET, list: { type: 'black', store: storeUrl, storeTimeout }, ...jwt },
    session: {
      store: storeUrl,
      storeTimeout,
      encryptionKey: Buffer.alloc(32, 7).toString('base64url'),
      ...session,
    },
  });
}

/**
 * The app the outage, many-process and soak runs drive, in the documented way:
 * - `POST /login {user}` starts a session (cookie `sid`, the id the client brought is never kept) and a
 *   token family, and answers `{ accessToken, refreshToken }`;
 * - `GET /session/me` and `GET /jwt/me` are protected by jamSession / jamJwt and requirePayload();
 * - `POST /session/logout`, `POST /session/logout-all`, `POST /jwt/logout {token}`, `POST /jwt/refresh {refreshToken}`,
 *   `POST /jwt/revoke-subject {sub}`.
 * A JamError thrown by a route is answered with its status and a generic body; the code goes to REASON_HEADER.
 */
export function createHardenedApp(jam: Jam): Koa {
  const session = jamSession(jam, SESSION_COOKIE);
  const router = new Router();
  router.post('/login', session, async (ctx) => {
    const { user } = ctx.request.body as { user: string };
    if (ctx.state.sessionId) await jam.deleteSession(ctx.state.sessionId);
    const id = await jam.createSession(user, { user });
    const pair = await jam.genTokenPair({ sub: user });
    setSessionCookie(ctx, id, { cookieName: SESSION_COOKIE });
    ctx.body = pair;
  });
  router.get('/session/me', session, exposeReason, requirePayload(), (ctx) => {
    ctx.body = ctx.state.payload;
  });
  router.post('/session/logout', session, exposeReason, requirePayload(), async (ctx) => {
    await jam.deleteSession(ctx.state.sessionId!);
    clearSessionCookie(ctx, { cookieName: SESSION_COOKIE });
    ctx.status = 204;
  });
  router.post('/session/logout-all', session, exposeReason, requirePayload(), async (ctx) => {
    await jam.clearSessions(String(ctx.state.payload!.user));
    clearSessionCookie(ctx, { cookieName: SESSION_COOKIE });
    ctx.status = 204;
  });
  router.get('/jwt/me', jamJwt(jam), exposeReason, requirePayload(), (ctx) => {
    ctx.body = ctx.state.payload;
  });
  router.post('/jwt/logout', async (ctx) => {
    await jam.revokeJwtToken((ctx.request.body as { token: string }).token);
    ctx.status = 204;
  });
  router.post('/jwt/revoke-subject', async (ctx) => {
    await jam.revokeSubject((ctx.request.body as { sub: string }).sub);
    ctx.status = 204;
  });
  router.post('/jwt/refresh', async (ctx) => {
    ctx.body = await jam.refreshTokenPair((ctx.request.body as { refreshToken: string }).refreshToken);
  });

  const app = new Koa();
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (!isJamError(err)) throw err;
      ctx.status = err.status;
      ctx.body = { error: ctx.message }; // the status text
      ctx.set(REASON_HEADER, err.code);
    }
  });
  app.use(bodyParser());
  app.use(router.routes());
  return app;
}
