import { STATUS_CODES } from 'node:http';
import type { Context, Middleware } from 'koa';
import { checkFunction, checkString } from '../shared/option-checks.js';
import { resolveSection, type OptionsSchema } from '../shared/options-schema.js';
import { isJamError } from '../engine/jam-error.js';
import type { Jam } from '../engine/jam.js';
import type {
  PasskeyCredential,
  PasskeyCredentialLookup,
  PasskeyLogin,
  PasskeyUser,
} from '../engine/passkeys/passkey-credential.js';
import { assertJam } from './jam-context.js';
import { readJsonBody } from './read-json-body.js';

/** @inline */
type Awaitable<T> = T | Promise<T>;

export interface JamPasskeysOptions extends PasskeyCredentialLookup {
  /** Where the four JSON routes live. */
  prefix?: string;
  /** The signed-in user adding a passkey (from the session), or null: registration answers 401. */
  findUser(ctx: Context): Awaitable<PasskeyUser | null | undefined>;
  /** A user's passkeys: excluded when registering, offered when a sign-in names the account. */
  listCredentials(userId: string): Promise<PasskeyCredential[]>;
  /** For a sign-in that names the account (`{ "username": ... }`): its user id, or null. Default: none. */
  findUserId?(name: string): Awaitable<string | null | undefined>;
  /** Called after a new passkey was saved. */
  onRegistered?(ctx: Context, credential: PasskeyCredential): Awaitable<void>;
  /** A verified sign-in: start the user's session here (a new session id). May set ctx.body. */
  onLogin(ctx: Context, login: PasskeyLogin): Awaitable<void>;
}

const callback = (doc: string, required: boolean) => ({ doc, required, check: checkFunction });

/** The jamPasskeys options, declared once (docs/passkeys.md shows them). */
export const JAM_PASSKEYS_OPTIONS = {
  prefix: { doc: 'where the four routes live', default: '/passkeys', check: checkString },
  findUser: callback(
    '`(ctx) => PasskeyUser \\| null`: the signed-in user adding a passkey (null answers 401)',
    true,
  ),
  listCredentials: callback(
    '`(userId) => Promise<PasskeyCredential[]>`: excluded at registration, offered at named sign-in',
    true,
  ),
  findCredential: callback(
    '`(id) => Promise<PasskeyCredential \\| null>`: the credential a sign-in names',
    true,
  ),
  saveCredential: callback(
    '`(credential) => Promise<void>`: a new passkey, or one with its new counter after a sign-in',
    true,
  ),
  findUserId: callback(
    '`(name) => string \\| null`: lets a sign-in name the account (`{ "username": ... }`)',
    false,
  ),
  onRegistered: callback('`(ctx, credential)`: after a new passkey was saved', false),
  onLogin: callback(
    "`(ctx, { userId, credential })`: start the user's session here; may set `ctx.body`",
    true,
  ),
} as const satisfies OptionsSchema;

/** Browser answers are a few KB; anything far larger is not one. */
const BODY_LIMIT = 64 * 1024;

/**
 * The JSON routes `@simplewebauthn/browser` (or plain `navigator.credentials`) talks to, all POST:
 * `{prefix}/register/options` and `{prefix}/register` for the signed-in user, `{prefix}/login/options`
 * (optionally `{ username }`) and `{prefix}/login`. Refusals answer with a generic body and leave the
 * reason on `ctx.state.authError`; ERR_PASSKEY_COUNTER there means a possibly cloned authenticator.
 */
export function jamPasskeys(jam: Jam, options: JamPasskeysOptions): Middleware {
  assertJam('jamPasskeys', jam);
  const prefix = resolveSection('jamPasskeys', JAM_PASSKEYS_OPTIONS, options).prefix.replace(/\/$/, '');
  jam.passkeyRelyingParty(); // fails fast when passkeys are not configured
  const lookup: PasskeyCredentialLookup = {
    findCredential: (id) => options.findCredential(id),
    saveCredential: (credential) => options.saveCredential(credential),
  };

  const routes: Record<string, (ctx: Context) => Promise<void>> = {
    '/register/options': async (ctx) => {
      const user = await signedIn(ctx);
      if (user) ctx.body = await jam.passkeyRegistrationOptions(user, await options.listCredentials(user.id));
    },
    '/register': async (ctx) => {
      const user = await signedIn(ctx);
      if (!user) return;
      const credential = await jam.verifyPasskeyRegistration(user, await readJsonBody(ctx, BODY_LIMIT));
      await options.saveCredential(credential);
      await options.onRegistered?.(ctx, credential);
      ctx.body = { verified: true, id: credential.id };
    },
    '/login/options': async (ctx) => {
      const { username } = ((await readJsonBody(ctx, BODY_LIMIT)) ?? {}) as { username?: unknown };
      const named = typeof username === 'string' && username !== '' ? username : undefined;
      const userId = named === undefined ? undefined : ((await options.findUserId?.(named)) ?? undefined);
      // An unknown name gets the same kind of answer as no name: it does not tell which accounts exist.
      ctx.body =
        userId === undefined
          ? await jam.passkeyLoginOptions()
          : await jam.passkeyLoginOptions(userId, await options.listCredentials(userId));
    },
    '/login': async (ctx) => {
      const login = await jam.verifyPasskeyLogin(await readJsonBody(ctx, BODY_LIMIT), lookup);
      ctx.body = { verified: true };
      await options.onLogin(ctx, login);
    },
  };

  async function signedIn(ctx: Context): Promise<PasskeyUser | undefined> {
    const user = await options.findUser(ctx);
    if (user) return user;
    refuse(ctx, 401);
  }

  return async function jamPasskeys(ctx, next) {
    const route = ctx.path.startsWith(`${prefix}/`) ? routes[ctx.path.slice(prefix.length)] : undefined;
    if (route === undefined) return next();
    if (ctx.method !== 'POST') {
      ctx.set('Allow', 'POST');
      return refuse(ctx, 405);
    }
    ctx.set('Cache-Control', 'no-store');
    try {
      await route(ctx);
    } catch (err) {
      // Client mistakes and refusals get a generic answer; the app's own failures go to Koa's error handling.
      if (!isJamError(err) || (err.status >= 500 && err.code !== 'ERR_STORE_UNAVAILABLE')) throw err;
      ctx.state.authError = err;
      refuse(ctx, err.status);
    }
  };
}

function refuse(ctx: Context, status: number): void {
  ctx.status = status;
  ctx.body = { error: STATUS_CODES[status] };
}
