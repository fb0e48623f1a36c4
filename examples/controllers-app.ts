import 'reflect-metadata'; // once per app, before any decorated class: routing-controllers reads its metadata
import { randomBytes } from 'node:crypto';
import { IsString, MaxLength, MinLength } from 'class-validator';
import Koa, { type Context, type Middleware } from 'koa';
import {
  clearSessionCookie,
  fromBearerHeader,
  Jam,
  jamCsrf,
  jamJwt,
  jamSession,
  setSessionCookie,
  type JamStatePayload,
} from 'koa-jam';
import {
  jamAuthorizationChecker,
  jamCurrentUserChecker,
  jamErrorHandler,
  Payload,
} from 'koa-jam/routing-controllers';
import {
  Authorized,
  Body,
  Ctx,
  CurrentUser,
  Get,
  HttpCode,
  JsonController,
  Post,
  UnauthorizedError,
  useKoaServer,
} from 'routing-controllers';
import { checkCredentials } from './demo-users.js';

/** The login body, validated by class-validator before the action runs (400 otherwise). */
export class LoginBody {
  @IsString() @MinLength(1) @MaxLength(64) username!: string;
  @IsString() @MinLength(1) @MaxLength(256) password!: string;
}

const bearerToken = fromBearerHeader();

function authenticate({ username, password }: LoginBody) {
  const user = checkCredentials(username, password);
  if (!user) throw new UnauthorizedError();
  return { sub: String(user.id), user: user.username, roles: user.roles };
}

@JsonController('/auth')
export class AuthController {
  /** For API clients: a JWT to send as `Authorization: Bearer <token>`. */
  @Post('/login')
  async login(@Body() body: LoginBody, @Ctx() ctx: Context) {
    return { token: await ctx.jam.genJwtToken(ctx.jam.makePayload(authenticate(body))) };
  }

  /** For browsers: a server-side session in an HttpOnly cookie. */
  @Post('/session')
  async startSession(@Body() body: LoginBody, @Ctx() ctx: Context) {
    const claims = authenticate(body);
    // A fresh id at every login (never one the browser brought along), and the previous session ends.
    if (ctx.state.sessionId) await ctx.jam.deleteSession(ctx.state.sessionId);
    setSessionCookie(ctx, await ctx.jam.createSession(claims.user, claims));
    return { user: claims.user };
  }

  /** Ends the session, or revokes the JWT: either way the credential no longer works, even replayed. */
  @Authorized()
  @Post('/logout')
  @HttpCode(204)
  async logout(@Ctx() ctx: Context) {
    if (ctx.state.sessionId) {
      await ctx.jam.deleteSession(ctx.state.sessionId);
      clearSessionCookie(ctx);
    } else {
      await ctx.jam.revokeJwtToken(bearerToken(ctx)!);
    }
    return null;
  }
}

@JsonController()
export class ProfileController {
  /** Public: `@Payload()` is null for an anonymous request. */
  @Get('/hello')
  hello(@Payload() payload: JamStatePayload | null) {
    return { hello: payload?.user ?? 'stranger' };
  }

  @Authorized()
  @Get('/profile')
  profile(@CurrentUser({ required: true }) user: JamStatePayload) {
    return { sub: user.sub, user: user.user, roles: user.roles };
  }
}

@Authorized('admin')
@JsonController('/admin')
export class AdminController {
  @Get('/')
  dashboard(@Payload({ required: true }) payload: JamStatePayload) {
    return { admin: payload.user, message: 'only admins see this' };
  }
}

/** The session when the request carries its cookie, else the JWT of its Authorization header. */
function sessionOrJwt(jam: Jam): Middleware {
  const session = jamSession(jam, 'sessionId');
  const jwt = jamJwt(jam);
  return (ctx, next) => (ctx.cookies.get('sessionId') ? session(ctx, next) : jwt(ctx, next));
}

/** A Koa app serving the three controllers; koa-jam's middleware goes first, routing-controllers last. */
export function createControllersApp(jam: Jam): Koa {
  const app = new Koa();
  app.use(jamErrorHandler()); // clean 401/403/503 bodies, with routing-controllers' own handler off
  app.use(jamCsrf()); // cookie sessions: refuses cross-site POSTs
  app.use(sessionOrJwt(jam)); // -> ctx.state.payload
  useKoaServer(app, {
    controllers: [AuthController, ProfileController, AdminController],
    authorizationChecker: jamAuthorizationChecker(),
    currentUserChecker: jamCurrentUserChecker(),
    defaultErrorHandler: false,
  });
  return app;
}

/** The Jam the demo and `npm start` use: a random secret per start, in-memory sessions and black list. */
export function demoJam(): Jam {
  return new Jam({
    jwt: { secretKey: process.env.JAM_JWT_SECRET_KEY ?? randomBytes(32), list: { type: 'black' } },
    session: { ttl: 3600 },
  });
}
