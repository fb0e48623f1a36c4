/** Recovery codes on the example site: shown once when 2FA is turned on, accepted at login instead of a code. */
import type Router from '@koa/router';
import type { Context } from 'koa';
import { generateRecoveryCodes, type Jam, type JamErrorCode } from 'koa-jam';
import { html, message, page, trusted } from './web-pages.js';
import type { WebUsers } from './web-users.js';

export interface RecoveryRoutes {
  /** The user whose password was right and whose second factor is still due, if any. */
  pendingUser(ctx: Context): string | undefined;
  /** Completes that user's login: the second factor passed. */
  complete(ctx: Context, username: string): Promise<void>;
  seeOther(ctx: Context, path: string): void;
}

const REFUSALS: Partial<Record<JamErrorCode, string>> = {
  // A used code's hash is removed: it is then simply not one of the user's codes.
  ERR_OTP_INVALID: 'That recovery code is not right, or was already used.',
  ERR_OTP_REPLAYED: 'That recovery code was already used.',
  ERR_OTP_LOCKED: 'Too many wrong codes. Try again in a few minutes.',
};

export function addRecoveryRoutes(
  router: Router,
  jam: Jam,
  users: WebUsers,
  { pendingUser, complete, seeOther }: RecoveryRoutes,
) {
  router.get('/login/recovery', (ctx) => {
    if (!pendingUser(ctx)) return seeOther(ctx, '/login');
    ctx.body = recoveryLoginPage();
  });

  router.post('/login/recovery', async (ctx) => {
    const username = pendingUser(ctx);
    const hashes = username === undefined ? undefined : users.get(username)?.recoveryHashes;
    if (!username || !hashes) return seeOther(ctx, '/login');
    const { code } = (ctx.request.body ?? {}) as Record<string, unknown>;
    // The same sessionKey as the OTP code: wrong recovery codes count in the same attempt limit.
    const check = await jam.checkRecoveryCode(username, String(code ?? ''), hashes);
    if (!check.valid) {
      ctx.status = check.error.status;
      ctx.body = recoveryLoginPage(REFUSALS[check.error.code]);
      return;
    }
    users.removeRecoveryHash(username, check.hash);
    await complete(ctx, username);
  });
}

/** New recovery codes for `username`, replacing any earlier ones: the page that shows them, this once. */
export function newRecoveryCodesPage(users: WebUsers, username: string, notice: string): string {
  const { codes, hashes } = generateRecoveryCodes();
  users.setRecoveryHashes(username, hashes);
  const items = codes.map((code) => html`<li><code>${code}</code></li>`);
  return page(
    'Your recovery codes',
    html`<h1>Save your recovery codes</h1>
      ${trusted(message('notice', notice))}
      <p>
        If you lose your phone, each of these codes logs you in once instead of a code from your app. Print
        them or keep them in a password manager: they are shown only now.
      </p>
      <ol id="recovery-codes">
        ${trusted(items.join(''))}
      </ol>
      <p><a class="button" href="/profile">I have saved them</a></p>
      <nav>
        <form method="post" action="/logout"><button type="submit">Log out</button></form>
      </nav>`,
  );
}

function recoveryLoginPage(error?: string): string {
  return page(
    'Recovery code',
    html`<h1>Use a recovery code</h1>
      <p>Type one of the recovery codes you saved when you turned on two-factor authentication.</p>
      ${trusted(message('error', error))}
      <form method="post" action="/login/recovery">
        <label
          >Recovery code <input name="code" autocomplete="off" spellcheck="false" required autofocus
        /></label>
        <button type="submit">Continue</button>
      </form>
      <p><a href="/login/code">Use a code from your app instead</a></p>`,
  );
}
