import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startRedisCluster, type RedisCluster } from '../test-support/redis-cluster.js';
import { startRedis, type RedisServer } from '../test-support/redis-server.js';
import { chart } from './chart.js';
import { measureEngineCosts } from './engine-costs.js';
import { describeMachine, ROOT } from './machine.js';
import { startServer, type LoadOptions, type RunningServer, type Sample } from './measure.js';
import {
  checkTargets,
  faults,
  markdown,
  summarize,
  type GrowthResult,
  type Results,
  type ScenarioResult,
} from './report.js';
import { BASELINE, SCENARIOS, subscribeToEvents, withEvents, type Scenario } from './scenarios.js';

/**
 * `npm run bench`: every scenario in its own server process, alternating over rounds, then the growth
 * runs; writes bench/results/latest.{json,svg} and the table in bench/RESULTS.md. `--quick` is a smoke
 * run for CI (under a minute, writes nothing): it fails on errors and non-2xx answers, never on slowness.
 */

const MODES = {
  full: {
    rounds: 3,
    warmupSeconds: 1.5,
    durationSeconds: 4,
    connections: 32,
    growth: [1e3, 1e5, 1e6],
    engineBatchMs: 200,
  },
  quick: {
    rounds: 1,
    warmupSeconds: 0.2,
    durationSeconds: 0.5,
    connections: 16,
    growth: [1e2, 1e3],
    engineBatchMs: 10,
  },
};
type Settings = (typeof MODES)['full'];
/** Entries in the store during the main scenarios: live sessions, revoked tokens. */
const MAIN_ENTRIES = 1000;

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' }, // comma-separated scenario ids (bare Koa always runs); writes nothing
    rounds: { type: 'string' },
    duration: { type: 'string' },
    'no-growth': { type: 'boolean', default: false },
    sizes: { type: 'string' }, // comma-separated live-session counts for the growth runs
    profile: { type: 'boolean', default: false }, // --cpu-prof every server into bench/results/profiles
    events: { type: 'boolean', default: false }, // each koa-jam scenario also with event subscribers; writes nothing
  },
});

async function main(): Promise<number> {
  const started = performance.now();
  const mode = args.quick ? 'quick' : 'full';
  const settings = { ...MODES[mode] };
  if (args.rounds) settings.rounds = Number(args.rounds);
  if (args.duration) settings.durationSeconds = Number(args.duration);
  if (args.sizes) settings.growth = args.sizes.split(',').map(Number);
  const machine = describeMachine();
  const redisMissing = machine.versions['redis-server'] === 'not installed';
  if (redisMissing && process.env.CI === 'true') throw new Error('CI=true but redis-server is not installed');
  if (redisMissing) console.log('redis-server is not installed: the Redis scenarios are skipped');

  const only = args.only?.split(',');
  const scenarios = SCENARIOS.filter(
    (s) => (!only || s.id === BASELINE || only.includes(s.id)) && !(s.redis && redisMissing),
  ).flatMap((s) => (args.events && s.family === 'koa-jam' ? [s, withEvents(s)] : [s]));
  const growthStores = (['memory', 'redis'] as const).filter(
    (store) =>
      !args['no-growth'] &&
      SCENARIOS.some((s) => s.id === sessionScenario(store)) &&
      !(store === 'redis' && redisMissing) &&
      (!only || only.includes(sessionScenario(store))),
  );
  const profileDir = args.profile ? join(ROOT, 'bench', 'results', 'profiles') : undefined;
  const failures: string[] = [];

  console.log(`koa-jam bench, ${mode} mode: ${scenarios.length} scenarios × ${settings.rounds} rounds`);
  const context = { profileDir, failures };
  const engineCosts = await measureEngineCosts(settings.engineBatchMs);
  if (args.events) {
    subscribeToEvents(); // the harness's own process: the engine calls again, now with every message built
    engineCosts.push(...(await measureEngineCosts(settings.engineBatchMs, ', events subscribed')));
  }
  const samples = await measureRounds(scenarios, settings, context);
  const growth = growthStores.length ? await measureGrowth(growthStores, settings, context) : [];
  const scenarioResults = summarizeScenarios(scenarios, samples);
  const measured = { scenarios: scenarioResults, growth };
  const results: Results = {
    date: new Date().toISOString(),
    minutes: Math.round((performance.now() - started) / 600) / 100,
    mode,
    settings,
    machine,
    loadAverageAfter: loadavg().map((load) => Math.round(load * 100) / 100),
    engineCosts,
    ...measured,
    targets: checkTargets(measured),
  };

  const table = markdown(results);
  console.log(`\n${table}\n`);
  if (mode === 'full' && !only && !args.events) writeOutputs(results, table);

  failures.push(...faults(results));
  for (const failure of failures) console.error(`FAILED ${failure}`);
  return failures.length ? 1 : 0;
}

const sessionScenario = (store: 'memory' | 'redis') => `jam-session-${store}`;

interface Context {
  profileDir?: string;
  /** What went wrong, collected so that one broken scenario does not hide the others' numbers. */
  failures: string[];
}

/** Rounds of every scenario in turn (A B C … A B C …), one fresh server per measurement. */
async function measureRounds(
  scenarios: Scenario[],
  settings: Settings,
  context: Context,
): Promise<Map<string, Sample[]>> {
  const samples = new Map<string, Sample[]>(scenarios.map((s) => [s.id, []]));
  await withRedis(
    scenarios.some((s) => s.redis && !s.cluster),
    scenarios.some((s) => s.cluster),
    async (redis, cluster) => {
      for (let round = 1; round <= settings.rounds; round++) {
        for (const scenario of scenarios) {
          const options = { entries: MAIN_ENTRIES, redisUrl: redis?.url, clusterUrl: cluster?.url };
          const sample = await measureOnce(
            scenario,
            options,
            settings,
            context,
            `[${round}/${settings.rounds}]`,
          );
          if (sample) samples.get(scenario.id)!.push(sample);
        }
      }
    },
  );
  return samples;
}

function summarizeScenarios(scenarios: Scenario[], samples: Map<string, Sample[]>): ScenarioResult[] {
  const baseline = samples.get(BASELINE)!;
  const { rps: baselineRps, cpuPerRequestUs: baselineCpu } = baseline.length
    ? summarize(baseline)
    : { rps: NaN, cpuPerRequestUs: NaN };
  return scenarios
    .filter((s) => samples.get(s.id)!.length > 0)
    .map(({ id, label, family, redis }) => {
      const summary = summarize(samples.get(id)!);
      const ratio = summary.rps / baselineRps;
      return { id, label, family, redis, ...summary, ratio, cpuRatio: baselineCpu / summary.cpuPerRequestUs };
    });
}

async function measureOnce(
  scenario: Scenario,
  options: { entries: number; redisUrl?: string; clusterUrl?: string },
  load: LoadOptions,
  { profileDir, failures }: Context,
  prefix: string,
): Promise<Sample | undefined> {
  let server: RunningServer | undefined;
  try {
    server = await startServer(scenario.id, options, { cpuProfileDir: profileDir });
    const sample = await server.load(load);
    console.log(`${prefix} ${scenario.label}: ${describe(sample)}`);
    return sample;
  } catch (err) {
    failures.push(`${scenario.label}: ${(err as Error).message}`);
    console.error(`${prefix} ${scenario.label}: ${(err as Error).message}`);
    return undefined;
  } finally {
    await server?.stop();
  }
}

interface GrowthPoint {
  store: 'memory' | 'redis';
  sessions: number;
  server?: RunningServer;
  redis?: RedisServer;
  samples: Sample[];
}

/**
 * jamSession with 1k…1M live sessions: one server (and, for Redis, one redis-server) per store and size,
 * all filled at once (filling is the slow part, and each point has its own processes), then measured in
 * alternation like the main scenarios.
 */
async function measureGrowth(
  stores: readonly ('memory' | 'redis')[],
  settings: Settings,
  { profileDir, failures }: Context,
): Promise<GrowthResult[]> {
  const points: GrowthPoint[] = stores.flatMap((store) =>
    settings.growth.map((sessions) => ({ store, sessions, samples: [] })),
  );
  try {
    const started = await Promise.allSettled(
      points.map(async (point) => {
        if (point.store === 'redis') point.redis = await launchRedis();
        point.server = await startServer(
          sessionScenario(point.store),
          { entries: point.sessions, redisUrl: point.redis?.url },
          { cpuProfileDir: profileDir },
        );
        const seconds = (point.server.population?.ms ?? 0) / 1000;
        console.log(`${pointLabel(point)}: filled in ${seconds.toFixed(1)} s`);
      }),
    );
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    for (let round = 1; round <= settings.rounds; round++) {
      for (const point of points) {
        const sample = await point.server!.load(settings);
        console.log(`[${round}/${settings.rounds}] ${pointLabel(point)}: ${describe(sample)}`);
        point.samples.push(sample);
      }
    }
    return points.map(({ store, sessions, server, samples }) => ({
      store,
      sessions,
      population: server!.population,
      ...summarize(samples),
    }));
  } catch (err) {
    failures.push(`jamSession growth: ${(err as Error).message}`);
    console.error(`jamSession growth: ${(err as Error).message}`);
    return [];
  } finally {
    for (const point of points) {
      await point.server?.stop();
      await point.redis?.stop();
    }
  }
}

const pointLabel = ({ store, sessions }: GrowthPoint) => `jamSession ${store}, ${sessions} sessions`;

async function withRedis(
  redisNeeded: boolean,
  clusterNeeded: boolean,
  run: (redis?: RedisServer, cluster?: RedisCluster) => Promise<void>,
): Promise<void> {
  const redis = redisNeeded ? await launchRedis() : undefined;
  let cluster: RedisCluster | undefined;
  try {
    cluster = clusterNeeded ? await launchCluster() : undefined;
    await run(redis, cluster);
  } finally {
    await redis?.stop();
    await cluster?.stop();
  }
}

function describe(sample: Sample): string {
  const faults = sample.errors + sample.timeouts + sample.non2xx;
  return (
    `${Math.round(sample.rps)} req/s, ${Math.round(sample.cpuPerRequestUs)} µs CPU/req, p50 ${sample.p50.toFixed(2)} ms, p99 ${sample.p99.toFixed(2)} ms, ` +
    `peak RSS ${(sample.peakRssBytes / 2 ** 20).toFixed(0)} MB${faults ? `, ${faults} FAULTS` : ''}`
  );
}

const BEGIN = '<!-- bench:begin (written by npm run bench) -->';
const END = '<!-- bench:end -->';

function writeOutputs(results: Results, table: string): void {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(dir, 'latest.svg'), chart(results));
  // Only the part between the markers is replaced: the notes around it are written by hand.
  const file = join(ROOT, 'bench', 'RESULTS.md');
  const current = readFileSync(file, 'utf8');
  const start = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  if (start < 0 || end < start) throw new Error(`bench/RESULTS.md lacks the markers ${BEGIN} … ${END}`);
  writeFileSync(file, `${current.slice(0, start + BEGIN.length)}\n\n${table}\n\n${current.slice(end)}`);
  console.log('wrote bench/results/latest.json, bench/results/latest.svg and bench/RESULTS.md');
}

/** The redis-servers (and clusters) this run started: stopped by pid even when the run is interrupted. */
const redisServers = new Set<{ stop(): Promise<void> }>();

async function launchRedis(): Promise<RedisServer> {
  const redis = await startRedis();
  redisServers.add(redis);
  const stop = redis.stop.bind(redis);
  redis.stop = async () => {
    redisServers.delete(redis);
    await stop();
  };
  return redis;
}

async function launchCluster(): Promise<RedisCluster> {
  const cluster = await startRedisCluster();
  redisServers.add(cluster);
  const stop = cluster.stop.bind(cluster);
  cluster.stop = async () => {
    redisServers.delete(cluster);
    await stop();
  };
  return cluster;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    // Server processes exit by themselves when this process goes (their IPC channel closes).
    await Promise.all([...redisServers].map((redis) => redis.stop()));
    process.exit(1);
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    console.error(err);
    process.exitCode = 1;
  },
);
