/** The example's HTML: small server-rendered pages, every interpolated value escaped. */
import type { PasskeyCredential } from 'koa-jam';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes every interpolated value, except markup marked with trusted(). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((out, text, i) => {
    if (i === 0) return text;
    const value = values[i - 1];
    const shown =
      value instanceof Trusted ? value.markup : String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
    return out + shown + text;
  }, '');
}

class Trusted {
  constructor(readonly markup: string) {}
}

/** For markup koa-jam's example made itself (the QR code SVG, nested templates). */
export const trusted = (markup: string) => new Trusted(markup);

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}
form{display:grid;gap:.6rem;margin:1rem 0}input,button{font:inherit;padding:.4rem .6rem}
.error{color:#b00020}.notice{color:#0a6b2d}code{font-size:1.1rem;letter-spacing:.05em}
#otp-qr svg{width:14rem;height:14rem}nav form,.passkey form{display:inline;margin:0}
.button{display:inline-block;padding:.4rem .6rem;border:1px solid #888;border-radius:4px;text-decoration:none;color:inherit}`;

/** The passkey buttons' scripts: files from this site, as the Content-Security-Policy allows. */
const PASSKEY_SCRIPTS = trusted(`<script src="/assets/simplewebauthn-browser.js" defer></script>
<script src="/assets/passkeys.js" defer></script>`);

export function page(title: string, body: string, { scripts = false } = {}): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · koa-jam example</title>
        <style>
          ${trusted(STYLE)}
        </style>
        ${scripts ? PASSKEY_SCRIPTS : ''}
      </head>
      <body>
        ${trusted(body)}
      </body>
    </html>`;
}

export const message = (kind: 'error' | 'notice', text?: string) =>
  text ? html`<p class="${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</p>` : '';

export function loginPage({
  error,
  username = '',
  providers = [],
}: {
  error?: string;
  username?: string;
  /** Identity providers to offer beside the password: a link to each one's login route. */
  providers?: Array<{ href: string; label: string }>;
} = {}): string {
  const signIns = providers.map(
    (p) => html`<p><a class="button" href="${p.href}">Sign in with ${p.label}</a></p>`,
  );
  return page(
    'Log in',
    html`<h1>Log in</h1>
      ${trusted(message('error', error))}
      <form method="post" action="/login">
        <label
          >User name <input name="username" autocomplete="username" required value="${username}"
        /></label>
        <label
          >Password <input name="password" type="password" autocomplete="current-password" required
        /></label>
        <button type="submit">Log in</button>
      </form>
      <p><button type="button" id="passkey-login">Sign in with a passkey</button></p>
      <p id="passkey-status" role="status"></p>
      ${trusted(signIns.join(''))}`,
    { scripts: true },
  );
}

export function codePage({ error }: { error?: string } = {}): string {
  return page(
    'Two-factor code',
    html`<h1>Enter your code</h1>
      <p>Open your authenticator app and type the 6-digit code it shows for this site.</p>
      ${trusted(message('error', error))}
      <form method="post" action="/login/code">
        <label
          >Code <input name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus
        /></label>
        <button type="submit">Continue</button>
      </form>
      <p><a href="/login/recovery">Lost your phone? Use a recovery code</a></p>`,
  );
}

export function profilePage({
  username,
  otpOn,
  notice,
  passkeys,
  via,
}: {
  username: string;
  otpOn: boolean;
  notice?: string;
  /** The user's passkeys; absent for accounts that cannot have any (no passkey section). */
  passkeys?: PasskeyCredential[];
  /** The identity provider the user signed in with, which then handles their second factor. */
  via?: string;
}) {
  const twoFactor = via
    ? html`<p>Signed in with ${via}.</p>`
    : otpOn
      ? html`<p>Two-factor authentication is <strong>on</strong>.</p>`
      : html`<p>Two-factor authentication is off. <a href="/2fa">Turn on two-factor authentication</a></p>`;
  return page(
    'Profile',
    html`<h1>Hello, ${username}</h1>
      ${trusted(message('notice', notice))} ${trusted(twoFactor)}
      ${trusted(passkeys ? passkeyList(passkeys) : '')}
      <p><a href="/devices">Your devices</a></p>
      <nav>
        <form method="post" action="/logout"><button type="submit">Log out</button></form>
      </nav>`,
    { scripts: true },
  );
}

export function enrolPage({
  secret,
  qrSvg,
  error,
}: {
  secret: string;
  qrSvg: string;
  error?: string;
}): string {
  const grouped = secret.replace(/(.{4})(?=.)/g, '$1 ');
  return page(
    'Turn on two-factor authentication',
    html`<h1>Turn on two-factor authentication</h1>
      <p>Scan this code with an authenticator app, or type the key by hand.</p>
      <figure id="otp-qr" role="img" aria-label="QR code of the key">${trusted(qrSvg)}</figure>
      <p>Key: <code id="otp-secret">${grouped}</code></p>
      ${trusted(message('error', error))}
      <form method="post" action="/2fa">
        <label
          >First code from the app
          <input name="code" inputmode="numeric" autocomplete="one-time-code" required
        /></label>
        <button type="submit">Turn on</button>
      </form>
      <p><a href="/profile">Not now</a></p>`,
  );
}

export function unavailablePage(): string {
  return page(
    'Unavailable',
    html`<h1>Please try again in a moment</h1>
      <p>The service is briefly unavailable.</p>`,
  );
}

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : 'never');

function passkeyList(passkeys: PasskeyCredential[]): string {
  const rows = passkeys.map(
    (passkey) =>
      html`<li class="passkey">
        Added ${day(passkey.createdAt)}, last used
        ${day(passkey.lastUsedAt)}${passkey.backedUp ? ', synced' : ''}
        <form method="post" action="/profile/passkeys/remove">
          <input type="hidden" name="id" value="${passkey.id}" /><button type="submit">Remove</button>
        </form>
      </li>`,
  );
  return html`<h2>Passkeys</h2>
    ${trusted(rows.length ? `<ul id="passkeys">${rows.join('')}</ul>` : '<p>No passkeys yet.</p>')}
    <p><button type="button" id="add-passkey">Add a passkey</button></p>
    <p id="passkey-status" role="status"></p>`;
}
