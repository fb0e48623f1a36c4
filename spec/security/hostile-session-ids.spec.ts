import { expect } from 'chai';
import Koa from 'koa';
import { isJamError, Jam, jamSession, requirePayload } from 'koa-jam';
import request from 'supertest';
import { createSessionApp } from '../../examples/session-app.js';
import { redisOrSkip } from '../helpers/redis-or-skip.js';
import type { RedisServer } from '../../test-support/redis-server.js';
import { exposeReason, REASON_HEADER } from './guarded-app.js';

const KEY = Buffer.alloc(32, 7).toString('base64url');
const OTHER_KEY = Buffer.alloc(32, 8).toString('base64url');
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Every id that differs from `id` in exactly one character. */
function oneCharacterVariants(id: string): string[] {
  const start = id.indexOf('.') + 1; // the `s1.` prefix of a sealed id is checked as a whole
  return [...id.slice(start)].flatMap((original, i) =>
    [...B64URL]
      .filter((c) => c !== original)
      .map((c) => id.slice(0, start + i) + c + id.slice(start + i + 1)),
  );
}

/** Ids that are not session ids, whatever the store: none may find a session, and none may throw. */
const HOSTILE_IDS = [
  '',
  ' ',
  'a',
  'null',
  '.'.repeat(32),
  '*'.repeat(32),
  ':'.repeat(32),
  `${'a'.repeat(15)}:${'a'.repeat(16)}`,
  `${'a'.repeat(31)}*`,
  `${'a'.repeat(31)}\n`,
  `${'a'.repeat(30)}\r\n`,
  `${'a'.repeat(31)}\u0000`,
  'jam:session:*',
  's:*',
  'g:*',
  '*',
  '../../../../etc/passwd',
  "' OR '1'='1",
  'J$_gAAAAABl-fernet-style-id',
  's1.',
  `s1.${'A'.repeat(70)}`,
  `s1.${'*'.repeat(70)}`,
  'a'.repeat(10_000),
  'a'.repeat(1 << 20),
  '\u{1F600}'.repeat(16),
];

for (const backend of ['memory', 'Redis'] as const) {
  describe(`security: hostile session ids and keys (${backend})`, function () {
    let redis: RedisServer | undefined;
    let sealed: Jam;
    let plain: Jam;
    let foreign: Jam;
    let ids: { sealed: string; plain: string; foreign: string };

    before(async function () {
      if (backend === 'Redis') redis = await redisOrSkip(this);
      const store = redis?.url;
      sealed = new Jam({ session: { store, encryptionKey: KEY } });
      plain = new Jam({ session: { store } });
      foreign = new Jam({ session: { store, encryptionKey: OTHER_KEY } });
      ids = {
        sealed: await sealed.createSession('alice', { user: 'alice' }),
        plain: await plain.createSession('alice', { user: 'alice' }),
        foreign: await foreign.createSession('alice', { user: 'alice' }),
      };
    });
    after(async () => {
      await Promise.all([sealed, plain, foreign].map((jam) => jam?.close()));
      await redis?.stop();
    });

    async function expectNoSession(jam: Jam, id: unknown): Promise<void> {
      const label = JSON.stringify(String(id).slice(0, 40));
      expect(await jam.getSession(id as string), label).to.equal(null);
      const err = await jam.updateSession(id as string, { user: 'mallory' }).catch((e: unknown) => e);
      expect(isJamError(err, 'ERR_SESSION_NOT_FOUND'), `${label}: ${err}`).to.equal(true);
      const reworked = await jam.reworkSession(id as string).catch((e: unknown) => e);
      expect(isJamError(reworked, 'ERR_SESSION_NOT_FOUND'), `${label}: ${reworked}`).to.equal(true);
      await jam.deleteSession(id as string);
    }

    it('finds no session for malformed, over-long or metacharacter ids, and throws nothing else', async () => {
      for (const jam of [sealed, plain]) {
        for (const id of [...HOSTILE_IDS, 42, null, undefined, {}, ['x']]) await expectNoSession(jam, id);
      }
    });

    it('finds no session for a forged plain id, a truncated one or one with a character added', async () => {
      await expectNoSession(plain, 'A'.repeat(32));
      await expectNoSession(plain, ids.plain.slice(0, -1));
      await expectNoSession(plain, `${ids.plain}A`);
    });

    it('refuses every sealed id that differs from a genuine one by one character', async () => {
      const variants = oneCharacterVariants(ids.sealed);
      expect(variants.length).to.be.greaterThan(4000);
      for (const id of variants) expect(await sealed.getSession(id), id).to.equal(null);
    });

    it('refuses ids sealed with another key, and plain ids where ids are sealed (and the reverse)', async () => {
      await expectNoSession(sealed, ids.foreign);
      await expectNoSession(sealed, ids.plain);
      await expectNoSession(plain, ids.sealed);
      await expectNoSession(foreign, ids.sealed);
    });

    it('still serves the genuine ids after all of the above (nothing was deleted by a hostile id)', async () => {
      expect(await sealed.getSession(ids.sealed)).to.deep.equal({ user: 'alice' });
      expect(await plain.getSession(ids.plain)).to.deep.equal({ user: 'alice' });
      expect(await foreign.getSession(ids.foreign)).to.deep.equal({ user: 'alice' });
    });

    it('keeps session keys with store metacharacters apart: a clear ends only its own key', async () => {
      const keys = ['*', 'user', 'user*', 'user\n', 'a:b', 'a', 'b', 'jam:session:*', 'g:*', ' '];
      const created = new Map<string, string>();
      for (const key of keys) created.set(key, await sealed.createSession(key, { key }));
      const cleared = new Set<string>();
      for (const key of ['*', 'a:b', 'jam:session:*', 'user\n']) {
        await sealed.clearSessions(key);
        cleared.add(key);
        for (const [k, id] of created) {
          const alive = (await sealed.getSession(id)) !== null;
          expect(alive, `session of ${JSON.stringify(k)} after clearing ${JSON.stringify(key)}`).to.equal(
            !cleared.has(k),
          );
        }
      }
    });

    it('over HTTP, answers every hostile session cookie 401 (or 431 beyond Node header limits), never a 5xx', async () => {
      const app = new Koa();
      app.use(jamSession(sealed, 'sid'));
      app.use(exposeReason);
      app.use(requirePayload());
      app.use((ctx) => (ctx.body = ctx.state.payload));
      const server = app.callback();
      const genuine = await request(server).get('/').set('Cookie', `sid=${ids.sealed}`);
      expect(genuine.body).to.deep.equal({ user: 'alice' });
      const sendable = HOSTILE_IDS.filter((id) => /^[\x21-\x3a\x3c-\x7e]*$/.test(id));
      for (const id of [
        ...sendable,
        ids.foreign,
        ids.plain,
        ...oneCharacterVariants(ids.sealed).slice(0, 200),
      ]) {
        const res = await request(server).get('/').set('Cookie', `sid=${id}`);
        const expected = id.length > 16 * 1024 ? 431 : 401;
        expect(res.status, JSON.stringify(id.slice(0, 40))).to.equal(expected);
        if (expected === 401)
          expect(['none', 'ERR_SESSION_NOT_FOUND']).to.include(res.headers[REASON_HEADER]);
      }
    });
  });
}

describe('security: session fixation, through the documented login flow (examples/session-app.ts)', () => {
  const jam = new Jam({ session: { encryptionKey: KEY } });
  const app = createSessionApp(jam).callback();
  after(() => jam.close());

  async function login(username: string, password: string, plantedId?: string): Promise<string> {
    const req = request(app).post('/login').send({ username, password });
    const res = await (plantedId ? req.set('Cookie', `sessionId=${plantedId}`) : req).expect(200);
    const cookie = ([] as string[])
      .concat(res.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('sessionId='));
    return cookie!.slice('sessionId='.length).split(';')[0];
  }
  const userOf = async (id: string) =>
    (await request(app).get('/get_user').set('Cookie', `sessionId=${id}`)).body;

  it('an id the attacker planted (their own valid session) is not the one in use after the victim logs in', async () => {
    const planted = await login('root', 'root-password');
    expect(await userOf(planted)).to.include({ username: 'root' });
    const victims = await login('alice', 'alice-password', planted);
    expect(victims).not.to.equal(planted);
    expect(await userOf(victims)).to.include({ username: 'alice' });
    // The planted session ended at the login, and it never carried the victim's data.
    expect(await jam.getSession(planted)).to.equal(null);
  });

  it('an id the attacker made up is not adopted either', async () => {
    const made = `s1.${'A'.repeat(70)}`;
    const victims = await login('alice', 'alice-password', made);
    expect(victims).not.to.equal(made);
    expect(await jam.getSession(made)).to.equal(null);
  });
});
