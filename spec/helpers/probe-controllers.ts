import 'reflect-metadata';
import Koa, { type Middleware } from 'koa';
import { Jam, jamJwt, type JamPayload, type JamStatePayload } from 'koa-jam';
import {
  jamAuthorizationChecker,
  jamCurrentUserChecker,
  jamErrorHandler,
  Payload,
  type JamAuthorizationOptions,
  type JamCurrentUserOptions,
} from 'koa-jam/routing-controllers';
import { IsString, MinLength } from 'class-validator';
import { Authorized, Body, CurrentUser, Get, JsonController, Post, useKoaServer } from 'routing-controllers';
import { SECRET } from './keys.js';

export class ProbeBody {
  @IsString() @MinLength(12) secret!: string;
}

/** One action per case the routing-controllers specs drive over HTTP. */
@JsonController('/probe')
export class ProbeController {
  @Authorized() @Get('/any') any() {
    return { ok: true };
  }
  @Authorized('admin') @Get('/admin') admin() {
    return { ok: true };
  }
  @Authorized(['editor', 'admin']) @Get('/editor-or-admin') editorOrAdmin() {
    return { ok: true };
  }
  @Authorized() @Get('/user') authorizedUser(@CurrentUser() user: unknown) {
    return { user };
  }
  @Get('/me') me(@CurrentUser() user: unknown) {
    return { user };
  }
  @Get('/me-required') meRequired(@CurrentUser({ required: true }) user: unknown) {
    return { user };
  }
  @Get('/payload') payload(@Payload() payload: JamStatePayload | null) {
    return { payload };
  }
  @Get('/payload-required') payloadRequired(@Payload({ required: true }) payload: JamStatePayload) {
    return { payload };
  }
  @Post('/body') body(@Body() body: ProbeBody) {
    return { length: body.secret.length };
  }
  @Get('/crash') crash() {
    throw new Error('internal detail: db password is hunter2');
  }
}

export interface ProbeOptions {
  authorization?: JamAuthorizationOptions<unknown>;
  currentUser?: JamCurrentUserOptions<unknown>;
  /** The credential middleware; jamJwt(jam) by default. */
  credential?: Middleware;
  /** false leaves routing-controllers' default error handler on (and jamErrorHandler out). */
  jamErrors?: boolean;
}

export const probeJam = new Jam({ jwt: { secretKey: SECRET } });

/** The documented setup around ProbeController. */
export function probeApp({ authorization, currentUser, credential, jamErrors = true }: ProbeOptions = {}) {
  const app = new Koa();
  app.silent = true; // specs assert errors through responses; Koa would also print 5xx ones
  if (jamErrors) app.use(jamErrorHandler());
  app.use(credential ?? jamJwt(probeJam));
  useKoaServer(app, {
    controllers: [ProbeController],
    authorizationChecker: jamAuthorizationChecker(authorization),
    currentUserChecker: jamCurrentUserChecker(currentUser),
    defaultErrorHandler: !jamErrors,
  });
  return app.callback();
}

export async function bearer(claims: object): Promise<string> {
  return `Bearer ${await probeJam.genJwtToken(probeJam.makePayload(claims as JamPayload))}`;
}
