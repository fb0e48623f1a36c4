import { randomBytes } from 'node:crypto';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { Jam, jamJwt } from 'koa-jam';
import { checkCredentials } from './demo-users.js';

/** Jam's Flask JWT example, the Koa way: POST /login issues a token, GET /get_user shows its payload. */
export function createJwtApp(jam: Jam): Koa {
  const router = new Router();

  router.post('/login', async (ctx) => {
    const { username, password } = (ctx.request.body ?? {}) as Record<string, unknown>;
    const user = checkCredentials(username, password);
    if (!user) return ctx.throw(401, 'wrong username or password');
    const payload = jam.makePayload({ sub: String(user.id), user: user.username, roles: user.roles });
    ctx.body = { token: await jam.genJwtToken(payload) };
  });

  router.get('/get_user', (ctx) => {
    if (!ctx.state.payload) return ctx.throw(403);
    ctx.body = ctx.state.payload;
  });

  const app = new Koa();
  app.use(bodyParser());
  app.use(jamJwt(jam, { headerName: 'Authorization', cookieName: null }));
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}

if (require.main === module) {
  // A random secret per start is fine for a demo; a real app sets JAM_JWT_SECRET_KEY.
  const jam = new Jam({ jwt: { secretKey: process.env.JAM_JWT_SECRET_KEY ?? randomBytes(32) } });
  const port = Number(process.env.PORT ?? 3000);
  createJwtApp(jam).listen(port, '127.0.0.1', () =>
    console.log(`jwt-app listening on http://127.0.0.1:${port}`),
  );
}
