/** "Your devices" on the example site: where the user is signed in; end one session, or all the others. */
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { Jam, SessionInfo } from 'koa-jam';
import { html, message, page, trusted } from './web-pages.js';

/** What the site keeps beside a session to show it in the list: the browser and address it signed in from. */
export function deviceMeta(ctx: Context): { agent: string; ip: string } {
  // A user agent can be long; meta is at most 1 KiB.
  return { agent: ctx.get('user-agent').slice(0, 200) || 'unknown browser', ip: ctx.ip };
}

export interface DeviceRoutes {
  /** Lets only a fully signed-in user through. */
  signedIn: Middleware;
  /** The session key the signed-in user's sessions were created under. */
  sessionKeyOf(ctx: Context): string;
  seeOther(ctx: Context, path: string): void;
}

export function addDeviceRoutes(
  router: Router,
  jam: Jam,
  { signedIn, sessionKeyOf, seeOther }: DeviceRoutes,
) {
  router.get('/devices', signedIn, async (ctx) => {
    const sessions = await jam.listSessions(sessionKeyOf(ctx), { current: ctx.state.sessionId! });
    ctx.body = devicesPage(sessions, NOTICES[String(ctx.query.done)]);
  });

  router.post('/devices/end', signedIn, async (ctx) => {
    const { handle } = (ctx.request.body ?? {}) as Record<string, unknown>;
    const ended = await jam.deleteSessionByHandle(sessionKeyOf(ctx), String(handle ?? ''));
    seeOther(ctx, `/devices?done=${ended ? 'ended' : 'gone'}`);
  });

  router.post('/devices/end-others', signedIn, async (ctx) => {
    await jam.clearSessions(sessionKeyOf(ctx), { except: ctx.state.sessionId! });
    seeOther(ctx, '/devices?done=others');
  });
}

const NOTICES: Record<string, string> = {
  ended: 'That session has ended.',
  gone: 'That session had already ended.',
  others: 'Every other session has ended.',
};

const when = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function devicesPage(sessions: SessionInfo[], notice?: string): string {
  const rows = sessions.map((s) => {
    const { agent, ip } = (s.meta ?? {}) as { agent?: string; ip?: string };
    const end = s.current
      ? html`<strong>This device</strong>`
      : html`<form method="post" action="/devices/end">
          <input type="hidden" name="handle" value="${s.handle}" /><button type="submit">End</button>
        </form>`;
    return html`<li class="device" ${trusted(s.current ? ' data-current' : '')}>
      <span class="agent">${agent ?? 'unknown browser'}</span> from ${ip ?? 'somewhere'}, signed in
      ${when(s.createdAt)}, last seen ${when(s.lastSeenAt)} ${trusted(end)}
    </li>`;
  });
  const others =
    sessions.length > 1
      ? html`<form method="post" action="/devices/end-others">
          <button type="submit">End all other sessions</button>
        </form>`
      : '';
  return page(
    'Your devices',
    html`<h1>Your devices</h1>
      ${trusted(message('notice', notice))}
      <ul id="devices">
        ${trusted(rows.join(''))}
      </ul>
      ${trusted(others)}
      <p><a href="/profile">Back to your profile</a></p>`,
  );
}
