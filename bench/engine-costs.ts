import { createSecretKey, randomBytes } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import { Jam, type JwtAlgorithm } from 'koa-jam';
import { keysFor, USER } from './scenarios.js';

/**
 * What the engine calls behind each scenario cost, in process and without HTTP: CPU time per call, the
 * best of five batches. Far steadier than requests/s on a shared machine, and it says where a
 * scenario's cost over bare Koa goes.
 */

export interface EngineCost {
  operation: string;
  microseconds: number;
}

type Operation = [name: string, setup: () => Promise<() => unknown>];

const jamJwt = async (alg: JwtAlgorithm, cache: boolean, list = false) => {
  const jam = new Jam({ jwt: { alg, ...keysFor(alg), cache, ...(list ? { list: { type: 'black' } } : {}) } });
  const token = await jam.genJwtToken(jam.makePayload({ sub: USER }));
  return () => jam.verifyJwtToken(token);
};

const OPERATIONS: Operation[] = [
  ['jam.verifyJwtToken, cache hit', () => jamJwt('HS256', true)],
  ['jam.verifyJwtToken, cache hit + black list in memory', () => jamJwt('HS256', true, true)],
  ['jam.verifyJwtToken HS256, no cache', () => jamJwt('HS256', false)],
  ['jam.verifyJwtToken RS256, no cache', () => jamJwt('RS256', false)],
  ['jam.verifyJwtToken ES256, no cache', () => jamJwt('ES256', false)],
  ...([true, false] as const).map((keyObject): Operation => [
    `jsonwebtoken.verify HS256 with a ${keyObject ? 'KeyObject' : 'string secret'} (koa-jwt's call)`,
    async () => {
      const text = randomBytes(32).toString('base64url');
      const secret = keyObject ? createSecretKey(Buffer.from(text)) : text;
      const token = jsonwebtoken.sign({ sub: USER }, secret, { algorithm: 'HS256', expiresIn: 3600 });
      return () => jsonwebtoken.verify(token, secret);
    },
  ]),
  [
    'jam.getSession, in memory (1,000 sessions)',
    async () => {
      const jam = new Jam({ session: {} });
      for (let i = 0; i < 1000; i++) await jam.createSession(`user-${i + 2}`, { user: `user-${i + 2}` });
      const id = await jam.createSession(USER, { user: USER });
      return () => jam.getSession(id);
    },
  ],
];

/** Each operation runs in five batches of about `batchMs` milliseconds, after one such batch of warm-up. */
export async function measureEngineCosts(batchMs: number, suffix = ''): Promise<EngineCost[]> {
  const costs: EngineCost[] = [];
  for (const [name, setup] of OPERATIONS) {
    const operation = name + suffix;
    const call = await setup();
    await batch(call, batchMs); // warm-up: lets the JIT settle
    let best = Infinity;
    for (let i = 0; i < 5; i++) best = Math.min(best, await batch(call, batchMs));
    costs.push({ operation, microseconds: best });
  }
  return costs;
}

/** CPU microseconds per call over a batch of about `ms` milliseconds. */
async function batch(call: () => unknown, ms: number): Promise<number> {
  const started = process.cpuUsage();
  const until = performance.now() + ms;
  let calls = 0;
  do {
    for (let i = 0; i < 16; i++) await call();
    calls += 16;
  } while (performance.now() < until);
  const { user, system } = process.cpuUsage(started);
  return (user + system) / calls;
}
