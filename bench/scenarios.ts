import { createSecretKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import Koa, { type Context, type Middleware } from 'koa';
import koaJwt from 'koa-jwt';
import { Jam, jamJwt, requirePayload, type JwtAlgorithm } from 'koa-jam';

/** What the harness passes to a scenario's server process. */
export interface ScenarioOptions {
  /** A redis:// URL, for scenarios with `redis: true`. */
  redisUrl?: string;
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
  redis?: boolean;
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

function keysFor(alg: JwtAlgorithm): { privateKey: KeyObject } | { secretKey: KeyObject } {
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
];

export const BASELINE = SCENARIOS[0].id;

export function scenarioById(id: string): Scenario {
  const found = SCENARIOS.find((scenario) => scenario.id === id);
  if (!found) throw new Error(`unknown scenario ${id} (known: ${SCENARIOS.map((s) => s.id).join(', ')})`);
  return found;
}
