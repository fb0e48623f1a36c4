import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa, { type Context } from 'koa';
import { fromBearerHeader, isJamError, Jam, jamJwks, jamJwt, requirePayload } from 'koa-jam';
import { checkCredentials, type DemoUser } from './demo-users.js';

/**
 * Jam's Flask JWT example, the Koa way: POST /login issues a token, GET /get_user shows its payload.
 * Beyond Jam: POST /token issues an access + refresh pair, POST /refresh rotates it, POST /logout revokes
 * the bearer token, and GET /.well-known/jwks.json publishes the public keys.
 */
export function createJwtApp(jam: Jam): Koa {
  const router = new Router();
  const bearerToken = fromBearerHeader();

  router.post('/login', async (ctx) => {
    const user = authenticate(ctx);
    const payload = jam.makePayload({ sub: String(user.id), user: user.username, roles: user.roles });
    ctx.body = { token: await jam.genJwtToken(payload) };
  });

  router.get('/get_user', (ctx) => {
    if (!ctx.state.payload) return ctx.throw(403);
    ctx.body = ctx.state.payload;
  });

  router.post('/token', async (ctx) => {
    const user = authenticate(ctx);
    ctx.body = await jam.genTokenPair({ sub: String(user.id), user: user.username, roles: user.roles });
  });

  router.post('/refresh', async (ctx) => {
    const { refreshToken } = (ctx.request.body ?? {}) as Record<string, unknown>;
    try {
      ctx.body = await jam.refreshTokenPair(String(refreshToken ?? ''));
    } catch (err) {
      // 401 for a bad, expired or reused refresh token (reuse has revoked its family); 503 when the list is down.
      if (!isJamError(err)) throw err;
      ctx.throw(err.status);
    }
  });

  router.post('/logout', requirePayload(), async (ctx) => {
    // For a token of a pair this ends the whole login: its refresh token stops working too.
    await jam.revokeJwtToken(bearerToken(ctx)!);
    ctx.status = 204;
  });

  const app = new Koa();
  app.use(jamJwks(jam));
  app.use(bodyParser());
  app.use(jamJwt(jam, { headerName: 'Authorization', cookieName: null }));
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}

function authenticate(ctx: Context): DemoUser {
  const { username, password } = (ctx.request.body ?? {}) as Record<string, unknown>;
  return checkCredentials(username, password) ?? ctx.throw(401, 'wrong username or password');
}

/** The example's Jam: ES256 (so there is a JWKS to publish), short access tokens, a black list. */
export function createDemoJam(listStore = process.env.JAM_LIST_STORE): Jam {
  // A key per start is fine for a demo; a real app loads its keys from config and keeps retired ones as
  // publicKey-only entries until the tokens they signed have expired.
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return new Jam({
    jwt: {
      keys: [{ kid: randomUUID(), alg: 'ES256', privateKey }],
      expire: 900,
      list: { type: 'black', store: listStore },
    },
  });
}

if (require.main === module) {
  const jam = createDemoJam();
  const port = Number(process.env.PORT ?? 3000);
  createJwtApp(jam).listen(port, '127.0.0.1', () =>
    console.log(`jwt-app listening on http://127.0.0.1:${port}`),
  );
}
