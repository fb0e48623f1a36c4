import { REASON_HEADER } from './guarded-app.js';
import { SESSION_COOKIE } from './hardened-app.js';

/** What a login on the hardened app hands the client. */
export interface Credentials {
  sessionId: string;
  accessToken: string;
  refreshToken: string;
}

export interface Answer {
  status: number;
  /** The code of the JamError behind a refusal, `none` when there was none. */
  reason: string;
  body: unknown;
}

/** A client of createHardenedApp over HTTP, with keep-alive connections (Node's fetch). */
export class HardenedClient {
  constructor(readonly url: string) {}

  async login(user: string, plantedSessionId?: string): Promise<Credentials> {
    const res = await fetch(`${this.url}/login`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(plantedSessionId ? { cookie: `${SESSION_COOKIE}=${plantedSessionId}` } : {}),
      },
      body: JSON.stringify({ user }),
    });
    if (res.status !== 200) throw new Error(`login of ${user} answered ${res.status}`);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    const sessionId = cookie!.slice(SESSION_COOKIE.length + 1).split(';')[0];
    return { sessionId, ...((await res.json()) as Omit<Credentials, 'sessionId'>) };
  }

  sessionMe(sessionId: string): Promise<Answer> {
    return this.#send('GET', '/session/me', { cookie: `${SESSION_COOKIE}=${sessionId}` });
  }

  jwtMe(accessToken: string): Promise<Answer> {
    return this.#send('GET', '/jwt/me', { authorization: `Bearer ${accessToken}` });
  }

  logout(sessionId: string): Promise<Answer> {
    return this.#send('POST', '/session/logout', { cookie: `${SESSION_COOKIE}=${sessionId}` });
  }

  logoutEverywhere(sessionId: string): Promise<Answer> {
    return this.#send('POST', '/session/logout-all', { cookie: `${SESSION_COOKIE}=${sessionId}` });
  }

  revoke(token: string): Promise<Answer> {
    return this.#send('POST', '/jwt/logout', {}, { token });
  }

  revokeSubject(sub: string): Promise<Answer> {
    return this.#send('POST', '/jwt/revoke-subject', {}, { sub });
  }

  refresh(refreshToken: string): Promise<Answer> {
    return this.#send('POST', '/jwt/refresh', {}, { refreshToken });
  }

  async #send(method: string, path: string, headers: Record<string, string>, json?: object): Promise<Answer> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: json ? { ...headers, 'content-type': 'application/json' } : headers,
      body: json && JSON.stringify(json),
    });
    const text = await res.text();
    return {
      status: res.status,
      reason: res.headers.get(REASON_HEADER) ?? 'none',
      body: text.startsWith('{') ? JSON.parse(text) : text,
    };
  }
}
