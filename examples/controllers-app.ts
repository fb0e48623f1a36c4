import 'reflect-metadata'; // once per app, before any decorated class: routing-controllers reads its metadata
import { randomBytes } from 'node:crypto';
import { IsString, MaxLength, MinLength } from 'class-validator';
import Koa, { type Context } from 'koa';
import { Jam, jamJwt, type JamStatePayload } from 'koa-jam';
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

@JsonController('/auth')
export class AuthController {
  @Post('/login')
  async login(@Body() body: LoginBody, @Ctx() ctx: Context) {
    const user = checkCredentials(body.username, body.password);
    if (!user) throw new UnauthorizedError();
    const payload = ctx.jam.makePayload({ sub: String(user.id), user: user.username, roles: user.roles });
    return { token: await ctx.jam.genJwtToken(payload) };
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

/** A Koa app serving the three controllers; koa-jam's middleware goes first, routing-controllers last. */
export function createControllersApp(jam: Jam): Koa {
  const app = new Koa();
  app.use(jamErrorHandler()); // clean 401/403/503 bodies, with routing-controllers' own handler off
  app.use(jamJwt(jam)); // Authorization: Bearer <token> -> ctx.state.payload
  useKoaServer(app, {
    controllers: [AuthController, ProfileController, AdminController],
    authorizationChecker: jamAuthorizationChecker(),
    currentUserChecker: jamCurrentUserChecker(),
    defaultErrorHandler: false,
  });
  return app;
}

/** The Jam the demo and `npm start` use: a random secret per start, fine for a demo only. */
export function demoJam(): Jam {
  return new Jam({ jwt: { secretKey: process.env.JAM_JWT_SECRET_KEY ?? randomBytes(32) } });
}
