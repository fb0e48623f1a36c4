/**
 * What a browser does in a redirect login, over real HTTP: a cookie jar (by host and path; like browsers, not
 * by port), redirects followed by hand so a spec can stop at, read or tamper with any of them, and the
 * provider's development login and consent forms filled in.
 */
export class CookieBrowser {
  readonly #cookies = new Map<string, { host: string; path: string; name: string; value: string }>();

  async get(url: string | URL): Promise<Response> {
    return this.#request(new URL(url), { method: 'GET' });
  }

  async post(url: string | URL, form: Record<string, string>): Promise<Response> {
    return this.#request(new URL(url), {
      method: 'POST',
      body: new URLSearchParams(form),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
  }

  /** GET the app's login URL; resolves to the provider URL it redirects to. */
  async startLogin(loginUrl: string | URL): Promise<URL> {
    const response = await this.get(loginUrl);
    if (response.status !== 302) throw new Error(`login answered ${response.status}, not a redirect`);
    return location(response, loginUrl);
  }

  /**
   * Walks the provider from its authorization URL: signs in as `login`, consents (or aborts at the login form
   * with `deny`), and resolves to the URL the provider sends the browser back to, not yet fetched.
   */
  async authorize(authorizationUrl: string | URL, login: string, { deny = false } = {}): Promise<URL> {
    const provider = new URL(authorizationUrl).origin;
    let url = new URL(authorizationUrl);
    for (let step = 0; step < 12; step++) {
      if (url.origin !== provider) return url;
      const response = await this.get(url);
      if (response.status >= 300 && response.status < 400) {
        url = location(response, url);
        continue;
      }
      const html = await response.text();
      if (response.status !== 200)
        throw new Error(`provider answered ${response.status}: ${html.slice(0, 300)}`);
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      if (action === undefined) throw new Error(`no form on the provider page ${url.pathname}`);
      const target = new URL(action.replace(/&amp;/g, '&'), url);
      const submitted = html.includes('name="login"')
        ? deny
          ? await this.get(`${target.href}/abort`)
          : await this.post(target, { prompt: 'login', login, password: 'any' })
        : await this.post(target, { prompt: 'consent' });
      if (submitted.status < 300 || submitted.status >= 400) {
        throw new Error(
          `provider form answered ${submitted.status}: ${(await submitted.text()).slice(0, 300)}`,
        );
      }
      url = location(submitted, target);
    }
    throw new Error('too many redirects at the provider');
  }

  /** The whole dance: the app's login URL to the callback URL the provider sends back (not yet fetched). */
  async signIn(loginUrl: string | URL, login: string): Promise<URL> {
    return this.authorize(await this.startLogin(loginUrl), login);
  }

  cookie(host: string, name: string): string | undefined {
    return [...this.#cookies.values()].find((c) => c.host === host && c.name === name)?.value;
  }

  forget(host: string, name: string): void {
    for (const [key, c] of this.#cookies) if (c.host === host && c.name === name) this.#cookies.delete(key);
  }

  async #request(url: URL, init: RequestInit): Promise<Response> {
    const cookies = [...this.#cookies.values()]
      .filter((c) => c.host === url.hostname && pathMatches(url.pathname, c.path))
      .map((c) => `${c.name}=${c.value}`);
    const headers = new Headers(init.headers);
    if (cookies.length > 0) headers.set('Cookie', cookies.join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) this.#store(url, line);
    return response;
  }

  #store(url: URL, line: string): void {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    const attribute = (key: string) =>
      attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
    const path = attribute('path') ?? '/';
    const expires = attribute('expires');
    const key = `${url.hostname} ${path} ${name}`;
    const expired =
      attribute('max-age') === '0' || (expires !== undefined && Date.parse(expires) <= Date.now());
    if (expired || value === '') this.#cookies.delete(key);
    else this.#cookies.set(key, { host: url.hostname, path, name, value });
  }
}

function location(response: Response, base: string | URL): URL {
  const target = response.headers.get('location');
  if (target === null) throw new Error(`no Location in a ${response.status} answer`);
  return new URL(target, base);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  return (
    requestPath === cookiePath ||
    (requestPath.startsWith(cookiePath) &&
      (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'))
  );
}
