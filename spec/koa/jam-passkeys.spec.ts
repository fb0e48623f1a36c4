import { expect } from 'chai';
import Koa, { type Context } from 'koa';
import { Jam, JamError, jamPasskeys, type JamPasskeysOptions, type PasskeyLogin } from 'koa-jam';
import request from 'supertest';
import { PASSKEYS, PasskeyTable, ORIGIN, ALICE } from '../engine/passkeys/passkey-app.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';

describe('jamPasskeys', () => {
  let jam: Jam;
  let table: PasskeyTable;
  let device: SoftAuthenticator;
  let logins: PasskeyLogin[];
  let refusals: (JamError | null)[];
  beforeEach(() => {
    jam = new Jam({ passkeys: PASSKEYS });
    table = new PasskeyTable();
    device = new SoftAuthenticator(ORIGIN);
    logins = [];
    refusals = [];
  });
  afterEach(() => jam.close());

  /** A signed-in user is whoever the `X-User` header names (the app's session, in a real app). */
  function app(overrides: Partial<JamPasskeysOptions> = {}) {
    const koa = new Koa();
    koa.silent = true; // the app-failure case below expects Koa's 500, not a log line
    koa.use(async (ctx, next) => {
      await next();
      refusals.push(ctx.state.authError ?? null);
    });
    koa.use(
      jamPasskeys(jam, {
        findUser: (ctx: Context) => (ctx.get('X-User') === 'alice' ? ALICE : null),
        findUserId: (name) => (name === ALICE.name ? ALICE.id : null),
        listCredentials: (userId) => table.listCredentials(userId),
        findCredential: (id) => table.findCredential(id),
        saveCredential: (credential) => table.saveCredential(credential),
        onLogin: (ctx, login) => {
          logins.push(login);
          ctx.body = { welcome: login.userId };
        },
        ...overrides,
      }),
    );
    koa.use((ctx) => (ctx.body = 'next'));
    return koa.callback();
  }

  const post = (handler: ReturnType<typeof app>, path: string, body: object = {}, user?: string) => {
    const req = request(handler).post(`/passkeys${path}`);
    return (user ? req.set('X-User', user) : req).send(body);
  };

  async function registerOverHttp(handler: ReturnType<typeof app>) {
    const options = await post(handler, '/register/options', {}, 'alice').expect(200);
    const res = await post(handler, '/register', device.register(options.body), 'alice').expect(200);
    expect(res.headers['cache-control']).to.equal('no-store');
    return res.body as { verified: boolean; id: string };
  }

  it('registers a passkey for the signed-in user, then signs in with it without a name and with one', async () => {
    const registered: string[] = [];
    const handler = app({ onRegistered: (_ctx, credential) => void registered.push(credential.id) });
    const { id } = await registerOverHttp(handler);
    expect(registered).to.deep.equal([id]);
    expect(table.rows.get(id)).to.include({ userId: ALICE.id, counter: 0 });

    const discoverable = await post(handler, '/login/options').expect(200);
    expect(discoverable.body.allowCredentials).to.deep.equal([]);
    const res = await post(handler, '/login', device.login(discoverable.body)).expect(200);
    expect(res.body).to.deep.equal({ welcome: ALICE.id });
    expect(logins.map((l) => [l.userId, l.credential.counter])).to.deep.equal([[ALICE.id, 1]]);

    const named = await post(handler, '/login/options', { username: ALICE.name }).expect(200);
    expect(named.body.allowCredentials).to.have.length(1);
    await post(handler, '/login', device.login(named.body)).expect(200);
    expect(table.rows.get(id)!.counter).to.equal(2);
  });

  it('answers an unknown user name like no name at all', async () => {
    const res = await post(app(), '/login/options', { username: 'nobody@example.com' }).expect(200);
    expect(res.body.allowCredentials).to.deep.equal([]);
  });

  it('refuses registration to anonymous requests with 401', async () => {
    const handler = app();
    await post(handler, '/register/options').expect(401, { error: 'Unauthorized' });
    await post(handler, '/register', {}).expect(401, { error: 'Unauthorized' });
  });

  it('refuses a replayed or forged sign-in with 401 and a generic body, the reason on ctx.state.authError', async () => {
    const handler = app();
    await registerOverHttp(handler);
    const answer = device.login((await post(handler, '/login/options')).body);
    await post(handler, '/login', answer).expect(200);
    refusals.length = 0;
    await post(handler, '/login', answer).expect(401, { error: 'Unauthorized' });
    const forged = device.login((await post(handler, '/login/options')).body, {
      origin: 'https://evil.example',
    });
    await post(handler, '/login', forged).expect(401, { error: 'Unauthorized' });
    const cloned = device.login((await post(handler, '/login/options')).body, { counter: 1 });
    await post(handler, '/login', cloned).expect(401, { error: 'Unauthorized' });
    expect(refusals.map((err) => err?.code)).to.deep.equal([
      'ERR_PASSKEY_CHALLENGE',
      undefined,
      'ERR_PASSKEY_INVALID',
      undefined,
      'ERR_PASSKEY_COUNTER',
    ]);
    expect(logins).to.have.length(1);
  });

  it('takes JSON only (400 otherwise: a cross-site form cannot send JSON), POST only, bounded bodies, and leaves other paths alone', async () => {
    const handler = app();
    await request(handler).post('/passkeys/login').type('form').send('id=x').expect(400);
    await request(handler).post('/passkeys/login').set('Content-Type', 'text/plain').send('{}').expect(400);
    await request(handler).get('/passkeys/login/options').expect(405).expect('Allow', 'POST');
    await request(handler)
      .post('/passkeys/login')
      .type('json')
      .send('{not json')
      .expect(400, { error: 'Bad Request' });
    await request(handler)
      .post('/passkeys/login')
      .type('json')
      .send(JSON.stringify({ id: 'x'.repeat(70_000) }))
      .expect(400);
    await request(handler).post('/passkeys/elsewhere').expect(200, 'next');
    await request(handler).post('/other').expect(200, 'next');
  });

  it("lets the application's own failures through to Koa's error handling", async () => {
    const handler = app({
      findCredential: async () => {
        throw new Error('database down');
      },
    });
    await registerOverHttp(app());
    const options = (await post(handler, '/login/options')).body;
    await post(handler, '/login', device.login(options)).expect(500);
  });

  it('checks its options at construction (ERR_CONFIG by name)', () => {
    const base = {
      findUser: () => null,
      listCredentials: async () => [],
      findCredential: async () => null,
      saveCredential: async () => {},
      onLogin: () => {},
    };
    expect(() => jamPasskeys(jam, { ...base, onLogn: () => {} } as never)).to.throw(
      JamError,
      /jamPasskeys.onLogn/,
    );
    expect(() => jamPasskeys(jam, { ...base, onLogin: undefined } as never)).to.throw(
      JamError,
      /jamPasskeys.onLogin/,
    );
    expect(() => jamPasskeys(jam, { ...base, prefix: '' })).to.throw(JamError, /jamPasskeys.prefix/);
    expect(() => jamPasskeys({} as Jam, base)).to.throw(JamError, 'Jam instance');
  });
});
