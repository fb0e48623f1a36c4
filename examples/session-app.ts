import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { clearSessionCookie, Jam, jamCsrf, jamSession, requirePayload, setSessionCookie } from 'koa-jam';
import { checkCredentials } from './demo-users.js';

/**
 * Jam's Flask session example, the Koa way: POST /login starts a server-side session and sets its cookie,
 * GET /get_user shows the session data, POST /logout ends it, POST /logout-all ends every session of the user.
 */
export function createSessionApp(jam: Jam): Koa {
  const router = new Router();

  router.post('/login', async (ctx) => {
    const { username, password } = (ctx.request.body ?? {}) as Record<string, unknown>;
    const user = checkCredentials(username, password);
    if (!user) return ctx.throw(401, 'wrong username or password');
    // Always a new id at login, never one the client brought (session fixation); a previous session ends.
    if (ctx.state.sessionId) await jam.deleteSession(ctx.state.sessionId);
    const id = await jam.createSession(user.username, { user: user.id, username: user.username });
    setSessionCookie(ctx, id);
    ctx.body = { ok: true };
  });

  router.get('/get_user', (ctx) => {
    // 503 when the store is down: the user is still logged in, and logging in again would not help.
    if (!ctx.state.payload) return ctx.throw(ctx.state.authError?.status === 503 ? 503 : 403);
    ctx.body = ctx.state.payload;
  });

  router.post('/logout', async (ctx) => {
    if (ctx.state.sessionId) await jam.deleteSession(ctx.state.sessionId);
    clearSessionCookie(ctx);
    ctx.status = 204;
  });

  router.post('/logout-all', requirePayload(), async (ctx) => {
    await jam.clearSessions(String(ctx.state.payload!.username));
    clearSessionCookie(ctx);
    ctx.status = 204;
  });

  const app = new Koa();
  app.use(jamCsrf()); // cookie-authenticated: refuse cross-origin POSTs
  app.use(bodyParser());
  app.use(jamSession(jam, 'sessionId'));
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}

if (require.main === module) {
  // In memory by default; JAM_STORE_URL=redis://127.0.0.1:6379 shares sessions between processes.
  const jam = new Jam({ session: { store: process.env.JAM_STORE_URL || undefined } });
  const port = Number(process.env.PORT ?? 3000);
  const server = createSessionApp(jam).listen(port, '127.0.0.1', () =>
    console.log(`session-app listening on http://127.0.0.1:${port}`),
  );
  process.once('SIGINT', () => server.close(() => void jam.close()));
}
