import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Jam, type JamEvents, type LoginStart } from 'koa-jam';
import { CookieBrowser } from '../../helpers/cookie-browser.js';
import { rejectsWith } from '../../helpers/errors.js';
import { freePort } from '../../../test-support/free-port.js';
import { recordEvents, stringsOfEvents, type EventRecorder } from '../../helpers/events.js';
import { startIdp, type TestIdp } from '../../helpers/oidc-provider.js';

type Failure = JamEvents['koa-jam:oauth2.failure'];

// Never fetched: the provider sends the browser there, and the spec hands the URL to completeLogin itself.
const CALLBACK = 'http://127.0.0.1:9/auth/callback';

describe('OAuth2 sign-in events (oauth2.login, oauth2.failure) against a real OpenID Provider', function () {
  this.timeout(20_000);
  let idp: TestIdp;
  let jam: Jam;
  let events: EventRecorder;
  const provider = (clientId: string) => ({
    issuer: idp.issuer,
    clientId,
    clientSecret: `${clientId}-secret`,
    redirectUri: CALLBACK,
  });

  before(async () => {
    idp = await startIdp(() =>
      ['app', 'other'].map((id) => ({
        client_id: id,
        client_secret: `${id}-secret`,
        redirect_uris: [CALLBACK],
      })),
    );
  });
  after(() => idp.close());
  beforeEach(() => {
    jam = new Jam({ oauth2: { providers: { example: provider('app'), other: provider('other') } } });
    events = recordEvents();
  });
  afterEach(async () => {
    events.stop();
    await jam.close();
  });

  /** A login begun at `name` and authorized at the provider as `user`: what completeLogin gets. */
  async function authorized(name = 'example', user = 'alice', deny = false) {
    const start = await jam.beginLogin(name);
    const callback = await new CookieBrowser().authorize(start.url, user, { deny });
    return { start, callback };
  }

  /** No message carries the login's state, nonce, PKCE values, code, browser key or tokens. */
  function expectNoSecretsOf(start: LoginStart, callback: URL, tokens: string[] = []): void {
    const url = new URL(start.url);
    const secrets = [
      ...['state', 'nonce', 'code_challenge'].map((name) => url.searchParams.get(name)),
      ...['code', 'state'].map((name) => callback.searchParams.get(name)),
      start.browserKey,
      ...tokens,
    ].filter((value): value is string => typeof value === 'string');
    expect(secrets.length).to.be.greaterThan(3);
    const carried = stringsOfEvents(events).join('\n');
    for (const secret of secrets) expect(carried).to.not.contain(secret);
  }

  it('a completed sign-in publishes the provider and the verified subject, and no failure', async () => {
    const { start, callback } = await authorized('example', 'bob');
    const login = await jam.completeLogin('example', {
      query: callback.search,
      browserKey: start.browserKey,
    });
    expect(events.of('koa-jam:oauth2.login')).to.deep.equal([{ provider: 'example', sub: 'bob' }]);
    expect(events.of('koa-jam:oauth2.failure')).to.deep.equal([]);
    const { accessToken, idToken = '', refreshToken = '' } = login.tokens;
    expectNoSecretsOf(start, callback, [accessToken, idToken, refreshToken].filter(Boolean));
  });

  it('each refusal publishes its reason: no state, no cookie, an unknown state, the wrong provider, a spent transaction', async () => {
    const { start, callback } = await authorized();
    const { browserKey } = start;
    const withState = (state: string | null) => {
      const query = new URLSearchParams(callback.search);
      if (state === null) query.delete('state');
      else query.set('state', state);
      return query.toString();
    };
    await rejectsWith(jam.completeLogin('example', { query: withState(null), browserKey }), 'ERR_OAUTH2');
    await rejectsWith(jam.completeLogin('example', { query: callback.search }), 'ERR_OAUTH2');
    const forged = randomBytes(32).toString('base64url');
    await rejectsWith(jam.completeLogin('example', { query: withState(forged), browserKey }), 'ERR_OAUTH2');
    await rejectsWith(jam.completeLogin('other', { query: callback.search, browserKey }), 'ERR_OAUTH2');
    // The wrong-provider attempt spent the transaction: the genuine callback now finds none.
    await rejectsWith(jam.completeLogin('example', { query: callback.search, browserKey }), 'ERR_OAUTH2');
    expect(events.of('koa-jam:oauth2.failure')).to.deep.equal(
      [
        ['example', 'no-state'],
        ['example', 'no-cookie'],
        ['example', 'unknown'],
        ['other', 'wrong-provider'],
        ['example', 'unknown'],
      ].map(([provider, reason]): Failure => ({ provider, code: 'ERR_OAUTH2', reason }) as Failure),
    );
    expect(events.of('koa-jam:oauth2.login')).to.deep.equal([]);
    expectNoSecretsOf(start, callback);
  });

  it("the provider's refusals carry its OAuth error code: access denied, a code that does not exchange", async () => {
    const denied = await authorized('example', 'alice', true);
    await rejectsWith(
      jam.completeLogin('example', { query: denied.callback.search, browserKey: denied.start.browserKey }),
      'ERR_OAUTH2',
    );
    const bad = await authorized();
    const code = bad.callback.searchParams.get('code')!;
    bad.callback.searchParams.set('code', randomBytes(32).toString('base64url'));
    await rejectsWith(
      jam.completeLogin('example', { query: bad.callback.search, browserKey: bad.start.browserKey }),
      'ERR_OAUTH2',
    );
    expect(events.of('koa-jam:oauth2.failure')).to.deep.equal([
      { provider: 'example', code: 'ERR_OAUTH2', reason: 'denied', error: 'access_denied' },
      { provider: 'example', code: 'ERR_OAUTH2', reason: 'exchange', error: 'invalid_grant' },
    ]);
    expect(stringsOfEvents(events).join('\n')).to.not.contain(code);
    expectNoSecretsOf(bad.start, bad.callback);
  });

  it('a provider that is down: the failed sign-in and the failed start are both published as unavailable', async () => {
    const { start, callback } = await authorized();
    const fresh = new Jam({ oauth2: { providers: { example: provider('app') } } }); // no discovery yet
    await idp.stop();
    try {
      const query = { query: callback.search, browserKey: start.browserKey };
      await rejectsWith(jam.completeLogin('example', query), 'ERR_PROVIDER_UNAVAILABLE');
      await rejectsWith(fresh.beginLogin('example'), 'ERR_PROVIDER_UNAVAILABLE');
    } finally {
      await idp.start();
      await fresh.close();
    }
    const unavailable = { provider: 'example', code: 'ERR_PROVIDER_UNAVAILABLE', reason: 'unavailable' };
    expect(events.of('koa-jam:oauth2.failure')).to.deep.equal([unavailable, unavailable]);
  });

  it('a transaction store that is down: the failed start is published as unavailable, with the store code', async () => {
    const down = new Jam({
      oauth2: {
        providers: { example: provider('app') },
        store: `redis://127.0.0.1:${await freePort()}`,
        storeTimeout: 300,
      },
    });
    try {
      await rejectsWith(down.beginLogin('example'), 'ERR_STORE_UNAVAILABLE');
    } finally {
      await down.close();
    }
    expect(events.of('koa-jam:oauth2.failure')).to.deep.equal([
      { provider: 'example', code: 'ERR_STORE_UNAVAILABLE', reason: 'unavailable' },
    ]);
  });

  it('an unknown provider is a configuration error, not a sign-in failure: nothing is published', async () => {
    await rejectsWith(jam.beginLogin('nope'), 'ERR_CONFIG');
    expect(events.published).to.deep.equal([]);
  });
});
