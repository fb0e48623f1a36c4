import type { Server } from 'node:http';
import { expect } from 'chai';
import fc from 'fast-check';
import { isJamError, Jam, type JamPayload } from 'koa-jam';
import request from 'supertest';
import { freezeClock, type FrozenClock } from '../helpers/clock.js';
import { keyPairFor, SECRET } from '../helpers/keys.js';
import { depthOf } from '../helpers/nested.js';
import { craftRawToken } from '../helpers/tokens.js';
import { FUZZ_SUITE_TIMEOUT_MS, fuzzSettings } from './fuzz-settings.js';
import { guardedApp, listenOnLoopback } from './guarded-app.js';
import { B64URL, edit, headerChar, headerEdit, mutate } from './mutations.js';

type Verdict = { payload: JamPayload } | { error: unknown };
const verdict = (jam: Jam, token: string): Promise<Verdict> =>
  jam.verifyJwtToken(token).then(
    (payload) => ({ payload }),
    (error: unknown) => ({ error }),
  );

/** The only errors a refusal may carry: a JamError with a JWT code; anything else is a bug. */
function expectJwtRefusal(v: Verdict): void {
  expect(v).to.have.property('error');
  const { error } = v as { error: unknown };
  expect(isJamError(error), String(error)).to.equal(true);
  expect(['ERR_JWT_INVALID', 'ERR_JWT_EXPIRED', 'ERR_JWT_NOT_BEFORE']).to.include(
    (error as { code: string }).code,
  );
  // One line of printable ASCII, whatever the token holds: SECURITY.md calls authError safe to log.
  expect((error as Error).message).to.match(/^[\x20-\x7e]+$/);
}

describe('security: fuzzing the token, header and cookie paths (fast-check)', function () {
  this.timeout(FUZZ_SUITE_TIMEOUT_MS);
  let clock: FrozenClock;
  let now: number;
  const jams = {
    HS256: new Jam({ jwt: { secretKey: SECRET } }),
    RS256: new Jam({ jwt: { alg: 'RS256', privateKey: keyPairFor('RS256').privatePem } }),
    ES256: new Jam({ jwt: { alg: 'ES256', privateKey: keyPairFor('ES256').privatePem } }),
  };
  const genuine = {} as Record<keyof typeof jams, { token: string; payload: JamPayload }>;

  before(async () => {
    clock = freezeClock();
    now = Math.floor(Date.now() / 1000);
    for (const [alg, jam] of Object.entries(jams) as Array<[keyof typeof jams, Jam]>) {
      const payload = jam.makePayload({ sub: 'alice', roles: ['user'] });
      genuine[alg] = { token: await jam.genJwtToken(payload), payload };
    }
  });
  after(() => clock.uninstall());

  it('refuses arbitrary strings and JWT-shaped junk with a JamError', async () => {
    const jsonSegment = fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url'));
    const header = fc
      .record({ alg: fc.constantFrom('HS256', 'none', 'RS256', 'HS512', ''), typ: fc.constant('JWT') })
      .chain((h) => fc.dictionary(fc.string(), fc.jsonValue()).map((extra) => ({ ...extra, ...h })))
      .map((h) => Buffer.from(JSON.stringify(h)).toString('base64url'));
    const b64 = fc.string({ unit: fc.constantFrom(...B64URL) });
    const junk = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.tuple(fc.oneof(header, b64), fc.oneof(jsonSegment, b64), b64).map((parts) => parts.join('.')),
    );
    await fc.assert(
      fc.asyncProperty(junk, async (token) => expectJwtRefusal(await verdict(jams.HS256, token))),
      fuzzSettings(),
    );
  });

  it('refuses every mutation of a genuine token with a JamError: one token has one spelling', async () => {
    const algs = Object.keys(jams) as Array<keyof typeof jams>;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...algs),
        fc.array(edit, { minLength: 1, maxLength: 4 }),
        async (alg, edits) => {
          const { token, payload } = genuine[alg];
          const mutated = mutate(token, edits);
          const v = await verdict(jams[alg], mutated);
          if (mutated === token) expect(v).to.deep.equal({ payload });
          else expectJwtRefusal(v);
        },
      ),
      fuzzSettings(),
    );
  });

  it('for any claims signed with the key, accepts exactly those whose exp, nbf and iat hold', async () => {
    const date = fc.oneof(
      fc.integer({ min: -100, max: 100 }).map((d) => now + d),
      fc.double(),
      fc.integer(),
      fc.string(),
      fc.constantFrom(null, true, [], {}, '1e400'),
    );
    const claims = fc.record(
      {
        exp: date,
        nbf: date,
        iat: date,
        sub: fc.jsonValue(),
        extra: fc.dictionary(fc.string(), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    const jam = new Jam({ jwt: { secretKey: SECRET, cache: false } });
    await fc.assert(
      fc.asyncProperty(claims, async (c) => {
        const json = JSON.stringify(c).replace('"1e400"', '1e400');
        const v = await verdict(jam, craftRawToken('{"alg":"HS256","typ":"JWT"}', json, SECRET));
        const parsed = JSON.parse(json) as Record<string, unknown>;
        const isDate = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
        const ok =
          isDate(parsed.exp) &&
          parsed.exp > now &&
          (parsed.nbf === undefined || (isDate(parsed.nbf) && parsed.nbf <= now)) &&
          (parsed.iat === undefined || (isDate(parsed.iat) && parsed.iat <= now));
        if (ok) expect(v).to.deep.equal({ payload: parsed });
        else expectJwtRefusal(v);
      }),
      fuzzSettings(),
    );
  });

  it('for any bytes signed as the payload, answers a frozen payload or a JamError, and refuses nesting past 32 levels', async () => {
    const jam = new Jam({ jwt: { secretKey: SECRET, cache: false } });
    const exp = now + 60;
    const payload = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
      fc
        .tuple(fc.integer({ min: 1, max: 3500 }), fc.constantFrom('[', '{"a":'), fc.boolean())
        .map(([depth, open, closed]) => {
          const close = open === '[' ? ']' : '}';
          return `{"exp":${exp},"deep":${open.repeat(depth)}${open === '[' ? '' : '1'}${closed ? close.repeat(depth) : ''}}`;
        }),
    );
    await fc.assert(
      fc.asyncProperty(payload, async (json) => {
        const v = await verdict(jam, craftRawToken('{"alg":"HS256","typ":"JWT"}', json, SECRET));
        if ('error' in v) return expectJwtRefusal(v);
        expect(v.payload).to.deep.equal(JSON.parse(json));
        expect(Object.isFrozen(v.payload)).to.equal(true);
        expect(depthOf(v.payload)).to.be.at.most(32);
      }),
      fuzzSettings(),
    );
  });

  describe('over HTTP', () => {
    let server: Server;
    let reached: { count: number };
    before(async () => {
      const guarded = guardedApp(jams.HS256, { cookieName: 'jwt' });
      reached = guarded.reached;
      server = await listenOnLoopback(guarded.app);
    });
    after(() => new Promise((resolve) => server.close(resolve)));

    async function status(name: string, value: string): Promise<number> {
      const before = reached.count;
      const res = await request(server).get('/').set(name, value);
      expect([200, 401], `${name}: ${JSON.stringify(value).slice(0, 80)}`).to.include(res.status);
      if (res.status === 200) {
        expect(res.body.payload).to.deep.equal(genuine.HS256.payload);
        expect(reached.count).to.equal(before + 1);
      } else expect(reached.count).to.equal(before);
      return res.status;
    }

    it('any Authorization header: 200 only for the genuine token, 401 otherwise, never a 5xx', async () => {
      const { token } = genuine.HS256;
      const value = fc.oneof(
        fc.string({ unit: headerChar, maxLength: 120 }),
        fc
          .tuple(
            fc.string({ unit: headerChar, maxLength: 12 }),
            fc.array(headerEdit, { maxLength: 2 }),
            fc.string({ unit: headerChar, maxLength: 12 }),
          )
          .map(([before, edits, after]) => `${before}${mutate(token, edits)}${after}`),
      );
      await fc.assert(
        fc.asyncProperty(value, async (v) => {
          const answered = await status('Authorization', v);
          if (answered === 200) expect(v).to.contain(token);
        }),
        fuzzSettings(0.5),
      );
    });

    it('a well-formed Bearer header is accepted whatever the case of the scheme and the spaces', async () => {
      const { token } = genuine.HS256;
      const form = fc.record({
        scheme: fc.constantFrom('Bearer', 'bearer', 'BEARER', 'bEARER'),
        gap: fc.integer({ min: 1, max: 8 }),
        lead: fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 3 }),
        trail: fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 3 }),
      });
      await fc.assert(
        fc.asyncProperty(form, async (f) => {
          const value = `${f.lead}${f.scheme}${' '.repeat(f.gap)}${token}${f.trail}`;
          expect(await status('Authorization', value)).to.equal(200);
        }),
        fuzzSettings(0.25),
      );
    });

    it('any Cookie header, with or without the genuine cookie in it: 200 only with that cookie, never a 5xx', async () => {
      const { token } = genuine.HS256;
      const pair = fc.oneof(
        fc.tuple(
          fc.string({ unit: headerChar, maxLength: 10 }),
          fc.string({ unit: headerChar, maxLength: 30 }),
        ),
        fc.constant(['jwt', token] as [string, string]),
        fc
          .array(headerEdit, { maxLength: 2 })
          .map((edits): [string, string] => ['jwt', mutate(token, edits)]),
      );
      const cookie = fc
        .array(pair, { maxLength: 4 })
        .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('; '));
      await fc.assert(
        fc.asyncProperty(cookie, async (c) => {
          const answered = await status('Cookie', c);
          if (answered === 200) expect(c).to.contain(`jwt=${token}`);
        }),
        fuzzSettings(0.5),
      );
    });
  });
});
