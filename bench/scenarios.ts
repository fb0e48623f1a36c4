import { subscribe, tracingChannel } from 'node:diagnostics_channel';
import { createSecretKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import Keyv from 'keyv';
import Koa, { type Context, type Middleware } from 'koa';
import koaJwt from 'koa-jwt';
import koaSession from 'koa-session';
import {
  Jam,
  jamChannels,
  jamJwt,
  jamSession,
  MemoryStore,
  requirePayload,
  type JwtAlgorithm,
} from 'koa-jam';

/** What the harness passes to a scenario's server process. */
export interface ScenarioOptions {
  /** A redis:// URL, for scenarios with `redis: true`. */
  redisUrl?: string;
  /** A redis+cluster:// URL (3 masters), for scenarios with `cluster: true`. */
  clusterUrl?: string;
  /** Entries to store before the load starts: live sessions, or revoked tokens for a black list. */
  entries?: number;
}

export type Headers = Record<string, string>;

/** A scenario's app, built inside its own server process. */
export interface BuiltScenario {
  app: Koa;
  /** Headers that authenticate the load's requests; may call the running server (a login). */
  credentials(baseUrl: string): Promise<Headers>;
  /** Fills the store with `count` entries of other users (sessions, revoked tokens), before the load. */
  populate?(count: number): Promise<void>;
  close?(): Promise<void>;
}

export type Family = 'koa' | 'koa-jwt' | 'koa-jam' | 'koa-session';

export interface Scenario {
  id: string;
  label: string;
  family: Family;
  /** Needs redis-server: a Redis (`redisUrl`), or with `cluster` a Redis Cluster (`clusterUrl`). */
  redis?: boolean;
  cluster?: boolean;
  build(options: ScenarioOptions): Promise<BuiltScenario>;
}

/** Every scenario answers this on its authenticated route. */
export const USER = 'user-1';
export const BODY = JSON.stringify({ user: USER });

/** The app every scenario shares: its auth middleware, then a handler answering the small JSON. */
function appWith(auth: Middleware[], user: (ctx: Context) => unknown, app = new Koa()): Koa {
  for (const middleware of auth) app.use(middleware);
  app.use((ctx) => {
    ctx.body = { user: user(ctx) };
  });
  return app;
}

const bearer = (token: string): Headers => ({ authorization: `Bearer ${token}` });

export function keysFor(alg: JwtAlgorithm): { privateKey: KeyObject } | { secretKey: KeyObject } {
  if (alg === 'RS256') return { privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey };
  if (alg === 'ES256')
    return { privateKey: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey };
  return { secretKey: createSecretKey(randomBytes(32)) };
}

function jamJwtScenario(alg: JwtAlgorithm, cache: boolean): Scenario {
  return {
    id: `jam-jwt-${alg.toLowerCase()}-${cache ? 'cache' : 'nocache'}`,
    label: `jamJwt ${alg}, cache ${cache ? 'on' : 'off'}`,
    family: 'koa-jam',
    async build() {
      const jam = new Jam({ jwt: { alg, ...keysFor(alg), cache } });
      const token = await jam.genJwtToken(jam.makePayload({ sub: USER }));
      return {
        app: appWith([jamJwt(jam), requirePayload()], (ctx) => ctx.state.payload!.sub),
        credentials: async () => bearer(token),
        close: () => jam.close(),
      };
    },
  };
}

function koaJwtScenario(keyObject: boolean): Scenario {
  return {
    id: `koa-jwt-${keyObject ? 'keyobject' : 'string'}`,
    label: `koa-jwt HS256, ${keyObject ? 'KeyObject' : 'string secret'}`,
    family: 'koa-jwt',
    async build() {
      // koa-jwt's README passes the secret as a string; jsonwebtoken then builds a key on every verify.
      const text = randomBytes(32).toString('base64url');
      const secret = keyObject ? createSecretKey(Buffer.from(text)) : text;
      const token = jsonwebtoken.sign({ sub: USER }, secret, { algorithm: 'HS256', expiresIn: 3600 });
      return {
        // koa-jwt's types predate KeyObject; it hands the secret to jsonwebtoken 9, which takes one.
        app: appWith(
          [koaJwt({ secret: secret as koaJwt.Options['secret'] })],
          (ctx) => (ctx.state.user as { sub: string }).sub,
        ),
        credentials: async () => bearer(token),
      };
    },
  };
}

/** `subjects`: the default, each request also reads its subject's revokeSubject cutoff (populated too). */
function jamBlackListScenario(store: 'memory' | 'redis', subjects = true): Scenario {
  return {
    id: `jam-jwt-black-${store}${subjects ? '' : '-no-subjects'}`,
    label: `jamJwt HS256, cache on, black list ${store === 'redis' ? 'on Redis' : 'in memory'}${subjects ? ', subject cutoffs' : ', subjects off'}`,
    family: 'koa-jam',
    redis: store === 'redis',
    async build({ redisUrl }) {
      const list = { type: 'black', store: store === 'redis' ? redisUrl : undefined, subjects } as const;
      const jam = new Jam({ jwt: { ...keysFor('HS256'), list } });
      const token = await jam.genJwtToken(jam.makePayload({ sub: USER }));
      return {
        app: appWith([jamJwt(jam), requirePayload()], (ctx) => ctx.state.payload!.sub),
        credentials: async () => bearer(token),
        populate: (count) =>
          concurrently(count, async (i) => {
            const sub = `user-${i + 2}`;
            await jam.revokeJwtToken(await jam.genJwtToken(jam.makePayload({ sub })));
            if (subjects) await jam.revokeSubject(sub);
          }),
        close: () => jam.close(),
      };
    },
  };
}

const SESSION_STORES = {
  memory: 'in memory',
  redis: 'on Redis',
  cluster: 'on a 3-master Redis Cluster',
} as const;

function jamSessionScenario(store: keyof typeof SESSION_STORES): Scenario {
  return {
    id: `jam-session-${store}`,
    label: `jamSession ${SESSION_STORES[store]}`,
    family: 'koa-jam',
    redis: store !== 'memory',
    cluster: store === 'cluster',
    async build({ redisUrl, clusterUrl }) {
      const url = { memory: undefined, redis: redisUrl, cluster: clusterUrl }[store];
      const jam = new Jam({ session: { store: url } });
      const id = await jam.createSession(USER, { user: USER });
      return {
        app: appWith([jamSession(jam, 'sessionId'), requirePayload()], (ctx) => ctx.state.payload!.user),
        credentials: async () => ({ cookie: `sessionId=${id}` }),
        populate: (count) =>
          concurrently(count, (i) => jam.createSession(`user-${i + 2}`, { user: `user-${i + 2}` })),
        close: () => jam.close(),
      };
    },
  };
}

const koaSessionScenario: Scenario = {
  id: 'koa-session-memory',
  label: 'koa-session, same in-memory store',
  family: 'koa-session',
  async build() {
    // The store jamSession uses by default, behind koa-session's external-store interface.
    const keyv = new Keyv({ store: new MemoryStore() });
    const maxAge = 3_600_000;
    const app = new Koa();
    app.keys = [randomBytes(32).toString('base64url')];
    const session = koaSession(
      {
        maxAge,
        store: {
          get: (key: string) => keyv.get(key),
          set: async (key: string, value: unknown, ttl: number) => void (await keyv.set(key, value, ttl)),
          destroy: async (key: string) => void (await keyv.delete(key)),
        },
      },
      app,
    );
    const login: Middleware = async (ctx, next) => {
      if (ctx.path !== '/login') return next();
      ctx.session!.user = USER;
      ctx.body = 'ok';
    };
    const guard: Middleware = async (ctx, next) => (ctx.session?.user ? next() : ctx.throw(401));
    return {
      app: appWith([session, login, guard], (ctx) => ctx.session!.user, app),
      async credentials(baseUrl) {
        const response = await fetch(`${baseUrl}/login`);
        const cookies = response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]);
        return { cookie: cookies.join('; ') };
      },
      populate: (count) =>
        concurrently(count, async (i) => {
          const user = `user-${i + 2}`;
          await keyv.set(`bench-${i}`, { user, _expire: Date.now() + maxAge, _maxAge: maxAge }, maxAge);
        }),
      close: () => keyv.disconnect(),
    };
  },
};

/** Runs `task(0 … count-1)` with a bounded number in flight, so a Redis client pipelines without a flood. */
async function concurrently(
  count: number,
  task: (i: number) => Promise<unknown>,
  inFlight = 256,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
}

/** In the order they run in a round; the first is the baseline every ratio is taken against. */
export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'koa',
    label: 'bare Koa (no auth)',
    family: 'koa',
    async build() {
      return { app: appWith([], () => USER), credentials: async () => ({}) };
    },
  },
  koaJwtScenario(false),
  koaJwtScenario(true),
  ...(['HS256', 'RS256', 'ES256'] as const).flatMap((alg) => [
    jamJwtScenario(alg, true),
    jamJwtScenario(alg, false),
  ]),
  jamBlackListScenario('memory'),
  jamBlackListScenario('redis'),
  jamBlackListScenario('redis', false),
  koaSessionScenario,
  jamSessionScenario('memory'),
  jamSessionScenario('redis'),
  jamSessionScenario('cluster'),
];

export const BASELINE = SCENARIOS[0].id;

const WITH_EVENTS = '+events';

/**
 * The scenario with a subscriber (doing nothing) on every koa-jam channel and on the store traces, so that
 * every message is built and published: `npm run bench -- --events` runs it beside the scenario.
 */
export function withEvents(scenario: Scenario): Scenario {
  return {
    ...scenario,
    id: scenario.id + WITH_EVENTS,
    label: `${scenario.label}, events subscribed`,
    build(options) {
      subscribeToEvents();
      return scenario.build(options);
    },
  };
}

/** A subscriber that does nothing, on every koa-jam channel and the store traces, for the rest of the process. */
export function subscribeToEvents(): void {
  const ignore = () => {};
  for (const channel of jamChannels) subscribe(channel, ignore);
  const events = ['start', 'end', 'asyncStart', 'asyncEnd', 'error'] as const;
  tracingChannel('koa-jam:store').subscribe(Object.fromEntries(events.map((e) => [e, ignore])) as never);
}

export function scenarioById(id: string): Scenario {
  if (id.endsWith(WITH_EVENTS)) return withEvents(scenarioById(id.slice(0, -WITH_EVENTS.length)));
  const found = SCENARIOS.find((scenario) => scenario.id === id);
  if (!found) throw new Error(`unknown scenario ${id} (known: ${SCENARIOS.map((s) => s.id).join(', ')})`);
  return found;
}
