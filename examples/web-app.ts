import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa, { type Context, type Next } from 'koa';
import {
  clearSessionCookie,
  generateOtpSecret,
  Jam,
  jamCsrf,
  jamPasskeys,
  jamOAuth2,
  jamSession,
  setSessionCookie,
  type JamErrorCode,
} from 'koa-jam';
import QRCode from 'qrcode';
import { logSecurityEvents } from './console-events.js';
import { addDeviceRoutes, deviceMeta } from './web-devices.js';
import { codePage, enrolPage, loginPage, profilePage, unavailablePage } from './web-pages.js';
import { addRecoveryRoutes, newRecoveryCodesPage } from './web-recovery.js';
import { WebUsers } from './web-users.js';

/** What the session holds. `otpPending`: the password was right, the second factor is still due. */
interface WebSession {
  username: string;
  otpPending?: boolean;
  /** The secret being enrolled, kept server side until the user proves their app has it. */
  enrolSecret?: string;
  /** Signed in with this identity provider (its second factor is the provider's business). */
  via?: string;
  /** The session key, when it is not the user name (accounts of the identity provider). */
  key?: string;
}

/** The identity provider the example offers beside passwords, when the Jam config has it (`oauth2.providers.example`). */
const IDP = { name: 'example', label: 'Example IdP' };

const OTP_REFUSALS: Partial<Record<JamErrorCode, string>> = {
  ERR_OTP_INVALID: 'That code is not right. Check the time on your phone and try again.',
  ERR_OTP_REPLAYED: 'That code was already used. Wait for the next one.',
  ERR_OTP_LOCKED: 'Too many wrong codes. Try again in a few minutes.',
};

/**
 * A small server-rendered site on koa-jam sessions: log in with a password or with the Example IdP (when the
 * Jam config has it), a profile page, turning on two-factor authentication with a QR code (and recovery codes,
 * shown once), a login that asks for the code when it is on (or a recovery code), passkeys (add, list, remove,
 * sign in with one), "your devices" (the sessions of the user: end one, or all others), and logout.
 */
export function createWebApp(jam: Jam, users: WebUsers, { issuer = 'koa-jam example' } = {}): Koa {
  const router = new Router();
  const session = (ctx: Context) => ctx.state.payload as unknown as WebSession | null;
  const form = (ctx: Context) => (ctx.request.body ?? {}) as Record<string, unknown>;
  const seeOther = (ctx: Context, path: string) => {
    ctx.redirect(path);
    ctx.status = 303; // after a POST: the browser follows with a GET
  };
  /** Only fully logged-in users (password and, when on, the code) pass. */
  const signedIn = async (ctx: Context, next: Next) => {
    if (ctx.state.authError?.code === 'ERR_STORE_UNAVAILABLE') {
      ctx.status = 503;
      ctx.body = unavailablePage();
      return;
    }
    const current = session(ctx);
    if (!current) return seeOther(ctx, '/login');
    if (current.otpPending) return seeOther(ctx, '/login/code');
    return next();
  };

  router.get('/', (ctx) => seeOther(ctx, session(ctx) ? '/profile' : '/login'));
  const providers = jam.oauth2Providers().includes(IDP.name)
    ? [{ href: `/auth/${IDP.name}/login?returnTo=/profile`, label: IDP.label }]
    : [];
  router.get('/login', (ctx) => (ctx.body = loginPage({ providers })));

  router.post('/login', async (ctx) => {
    const { username, password } = form(ctx);
    const user = await users.check(username, password);
    if (!user) {
      ctx.status = 401;
      ctx.body = loginPage({
        error: 'Wrong user name or password.',
        username: String(username ?? ''),
        providers,
      });
      return;
    }
    // Always a new session at login, never the one the browser brought (session fixation).
    if (ctx.state.sessionId) await jam.deleteSession(ctx.state.sessionId);
    const data: WebSession = { username: user.username, ...(user.otpSecret ? { otpPending: true } : {}) };
    setSessionCookie(ctx, await jam.createSession(user.username, data, { meta: deviceMeta(ctx) }));
    seeOther(ctx, user.otpSecret ? '/login/code' : '/profile');
  });

  router.get('/login/code', (ctx) => {
    if (!session(ctx)?.otpPending) return seeOther(ctx, '/login');
    ctx.body = codePage();
  });

  router.post('/login/code', async (ctx) => {
    const current = session(ctx);
    const user = current?.otpPending ? users.get(current.username) : undefined;
    if (!user?.otpSecret) return seeOther(ctx, '/login');
    const check = await jam.checkOtpCode(user.otpSecret, String(form(ctx).code ?? ''), {
      sessionKey: user.username,
    });
    if (!check.valid) {
      ctx.status = check.error.status;
      ctx.body = codePage({ error: OTP_REFUSALS[check.error.code] });
      return;
    }
    await completeLogin(ctx, user.username);
  });

  /** The second factor passed (a code, or a recovery code). More rights now: the same data under a new id. */
  async function completeLogin(ctx: Context, username: string): Promise<void> {
    await jam.updateSession(ctx.state.sessionId!, { username });
    setSessionCookie(ctx, await jam.reworkSession(ctx.state.sessionId!));
    seeOther(ctx, '/profile');
  }
  const pendingUser = (ctx: Context) => (session(ctx)?.otpPending ? session(ctx)!.username : undefined);
  addRecoveryRoutes(router, jam, users, { pendingUser, complete: completeLogin, seeOther });

  router.get('/profile', signedIn, async (ctx) => {
    const { username, via } = session(ctx)!;
    const user = users.get(username);
    ctx.body = profilePage({
      username,
      otpOn: Boolean(user?.otpSecret),
      notice: NOTICES[String(ctx.query.done)],
      via,
      // Local accounts only: an account of the identity provider has no passkeys here.
      passkeys: user && (await users.passkeysOf(user.id)),
    });
  });

  router.post('/profile/passkeys/remove', signedIn, (ctx) => {
    const user = users.get(session(ctx)!.username);
    if (user) users.removePasskey(user.id, String(form(ctx).id ?? ''));
    seeOther(ctx, '/profile?done=passkey-removed');
  });

  addDeviceRoutes(router, jam, {
    signedIn,
    sessionKeyOf: (ctx) => session(ctx)!.key ?? session(ctx)!.username,
    seeOther,
  });

  router.get('/assets/simplewebauthn-browser.js', (ctx) => sendScript(ctx, WEBAUTHN_BROWSER));
  router.get('/assets/passkeys.js', (ctx) => sendScript(ctx, PASSKEYS_SCRIPT));

  router.get('/2fa', signedIn, async (ctx) => {
    const current = session(ctx)!;
    if (current.via || users.get(current.username)?.otpSecret) return seeOther(ctx, '/profile');
    // One secret per enrolment, kept across reloads so a code scanned earlier stays valid.
    const secret = current.enrolSecret ?? generateOtpSecret();
    if (!current.enrolSecret)
      await jam.updateSession(ctx.state.sessionId!, { ...current, enrolSecret: secret });
    ctx.body = await renderEnrolment(secret, current.username);
  });

  router.post('/2fa', signedIn, async (ctx) => {
    const current = session(ctx)!;
    const secret = current.enrolSecret;
    if (!secret || current.via) return seeOther(ctx, '/2fa');
    const check = await jam.checkOtpCode(secret, String(form(ctx).code ?? ''), {
      sessionKey: current.username,
    });
    if (!check.valid) {
      ctx.status = check.error.status;
      ctx.body = await renderEnrolment(secret, current.username, OTP_REFUSALS[check.error.code]);
      return;
    }
    users.enableOtp(current.username, secret);
    await jam.updateSession(ctx.state.sessionId!, { username: current.username });
    ctx.body = newRecoveryCodesPage(users, current.username, 'Two-factor authentication is now on.');
  });

  router.post('/logout', async (ctx) => {
    if (ctx.state.sessionId) await jam.deleteSession(ctx.state.sessionId);
    clearSessionCookie(ctx);
    seeOther(ctx, '/login');
  });

  async function renderEnrolment(secret: string, username: string, error?: string): Promise<string> {
    const uri = jam.getOtpUri(secret, { name: username, issuer });
    const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return enrolPage({ secret, qrSvg, error });
  }

  const app = new Koa();
  app.use(securityHeaders);
  app.use(jamCsrf()); // the session rides in a cookie: refuse cross-site form posts
  app.use(bodyParser());
  app.use(jamSession(jam, 'sessionId'));
  app.use(
    jamPasskeys(jam, {
      // Only a fully signed-in user (password and, when on, the code) may add a passkey.
      findUser: (ctx) => {
        const current = session(ctx);
        const user = current && !current.otpPending ? users.get(current.username) : undefined;
        return user && { id: user.id, name: user.username };
      },
      listCredentials: (userId) => users.passkeysOf(userId),
      findCredential: (id) => users.passkey(id),
      saveCredential: (passkey) => users.savePasskey(passkey),
      // A passkey with user verification is two factors in one: no code is asked for.
      onLogin: async (ctx, { userId }) => {
        const user = users.byId(userId)!;
        if (ctx.state.sessionId) await jam.deleteSession(ctx.state.sessionId);
        const data: WebSession = { username: user.username };
        setSessionCookie(ctx, await jam.createSession(user.username, data, { meta: deviceMeta(ctx) }));
      },
    }),
  );
  if (providers.length > 0) {
    app.use(
      jamOAuth2(jam, {
        async onLogin(ctx, login) {
          // Accounts of the provider are keyed by its `sub`, never matched to local users by e-mail.
          const { sub, email, email_verified } = login.claims;
          const username = email_verified && email ? email : `${login.provider}:${sub}`;
          if (ctx.state.sessionId) await jam.deleteSession(ctx.state.sessionId);
          const key = `${login.provider}:${sub}`;
          const data: WebSession = { username, via: IDP.label, key };
          setSessionCookie(ctx, await jam.createSession(key, data, { meta: deviceMeta(ctx) }));
        },
        onError(ctx, err) {
          ctx.status = err.status;
          ctx.body =
            err.status === 503
              ? unavailablePage()
              : loginPage({
                  error: `Signing in with ${IDP.label} did not work. Please try again.`,
                  providers,
                });
        },
      }),
    );
  }
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}

const NOTICES: Record<string, string> = {
  passkey: 'Your passkey was added.',
  'passkey-removed': 'The passkey was removed.',
};

/** The browser half of passkeys, from node_modules (never a CDN), and the page's own script; read once. */
const WEBAUTHN_BROWSER = readFileSync(
  join(dirname(require.resolve('@simplewebauthn/browser')), '../dist/bundle/index.umd.min.js'),
);
const PASSKEYS_SCRIPT = readFileSync(join(__dirname, '../../examples/web-passkeys.js'));

function sendScript(ctx: Context, script: Buffer): void {
  ctx.type = 'application/javascript; charset=utf-8';
  ctx.body = script;
}

/**
 * Pages show secrets (the 2FA key): not cached, not framed, forms only to this site. The only scripts are
 * files from this site (no inline script), and they may only talk to this site.
 */
async function securityHeaders(ctx: Context, next: Next): Promise<void> {
  ctx.set({
    'Content-Security-Policy':
      "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'",
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
  });
  await next();
}

if (require.main === module) {
  (async () => {
    const port = Number(process.env.PORT ?? 3000);
    // With IDP_ISSUER (e.g. http://127.0.0.1:4000 from examples/idp.ts), the login page offers the Example IdP.
    const issuer = process.env.IDP_ISSUER;
    // Browsers allow passkeys on https:// sites and on http://localhost.
    const passkeys = { rpId: 'localhost', rpName: 'koa-jam example', origins: [`http://localhost:${port}`] };
    const jam = new Jam({
      session: {},
      otp: {},
      passkeys,
      ...(issuer && {
        oauth2: {
          providers: {
            [IDP.name]: {
              issuer,
              clientId: 'web-app',
              clientSecret: process.env.IDP_CLIENT_SECRET ?? 'web-app-secret',
              redirectUri: `http://127.0.0.1:${port}/auth/${IDP.name}/callback`,
            },
          },
        },
      }),
    });
    const users = await WebUsers.create({ alice: 'alice-password' });
    logSecurityEvents(); // reuse, lockouts, outages, failed provider sign-ins, as they happen
    const server = createWebApp(jam, users).listen(port, '127.0.0.1', () =>
      console.log(`web-app on http://localhost:${port} — log in as alice / alice-password`),
    );
    process.once('SIGINT', () => server.close(() => void jam.close()));
  })();
}
