import type { EngineCost } from './engine-costs.js';
import type { Machine } from './machine.js';
import type { LoadOptions, Sample } from './measure.js';
import { BASELINE, type Family } from './scenarios.js';
import type { Population } from './server.js';

/**
 * One scenario (or one growth point) over the rounds: the medians of rates, CPU and latencies, the sums
 * of faults, the highest peak RSS, and every sample.
 */
export interface Summary extends Sample {
  samples: Sample[];
}

export interface ScenarioResult extends Summary {
  id: string;
  label: string;
  family: Family;
  redis?: boolean;
  /** Requests/s relative to bare Koa in the same run. */
  ratio: number;
  /** Bare Koa's server CPU per request over this scenario's: its throughput ratio when the server is the bottleneck. */
  cpuRatio: number;
}

export interface GrowthResult extends Summary {
  store: 'memory' | 'redis';
  sessions: number;
  population?: Population;
}

export interface TargetResult {
  target: string;
  /** The ratio by requests/s (for the p99 target: p99 at the most sessions over p99 at the fewest). */
  byRps?: number;
  /** The ratio by server CPU per request. */
  byCpu?: number;
  met?: boolean;
  metByCpu?: boolean;
}

export interface Results {
  date: string;
  /** How long the whole run took. */
  minutes: number;
  mode: 'full' | 'quick';
  settings: LoadOptions & { rounds: number };
  machine: Machine;
  /** Load averages when the run ended, to compare with machine.loadAverage at its start. */
  loadAverageAfter: number[];
  engineCosts: EngineCost[];
  scenarios: ScenarioResult[];
  growth: GrowthResult[];
  targets: TargetResult[];
}

export function summarize(samples: Sample[]): Summary {
  const pick = (key: keyof Sample) => samples.map((sample) => sample[key]);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return {
    rps: median(pick('rps')),
    cpuPerRequestUs: median(pick('cpuPerRequestUs')),
    serverCpuShare: median(pick('serverCpuShare')),
    p50: median(pick('p50')),
    p99: median(pick('p99')),
    errors: sum(pick('errors')),
    timeouts: sum(pick('timeouts')),
    non2xx: sum(pick('non2xx')),
    peakRssBytes: Math.max(...pick('peakRssBytes')),
    samples,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Faults the run must fail on: errors, timeouts and non-2xx answers (never slowness). */
export function faults(results: Pick<Results, 'scenarios' | 'growth'>): string[] {
  return [
    ...results.scenarios.map((s) => [s.label, s] as const),
    ...results.growth.map((g) => [growthLabel(g), g] as const),
  ]
    .filter(([, s]) => s.errors + s.timeouts + s.non2xx > 0)
    .map(([label, s]) => `${label}: ${s.errors} errors, ${s.timeouts} timeouts, ${s.non2xx} non-2xx`);
}

export const growthLabel = (g: GrowthResult) => `jamSession ${g.store}, ${count(g.sessions)} sessions`;

/** A throughput target: scenario `a` against scenario `b`, as a ratio that must reach `bound`. */
interface RatioTarget {
  target: string;
  a: string;
  b: string;
  bound: number;
}

/** The targets: reported by the harness, never asserted by a timed test. */
const RATIO_TARGETS: RatioTarget[] = [
  { target: 'jamJwt HS256 with cache ≥ 0.90× bare Koa', a: 'jam-jwt-hs256-cache', b: BASELINE, bound: 0.9 },
  { target: 'jamJwt RS256 with cache ≥ 0.85× bare Koa', a: 'jam-jwt-rs256-cache', b: BASELINE, bound: 0.85 },
  { target: 'jamJwt ES256 with cache ≥ 0.85× bare Koa', a: 'jam-jwt-es256-cache', b: BASELINE, bound: 0.85 },
  {
    target: 'jamJwt HS256, cache off ≥ koa-jwt with a KeyObject',
    a: 'jam-jwt-hs256-nocache',
    b: 'koa-jwt-keyobject',
    bound: 1,
  },
  {
    target: 'jamJwt HS256, cache on ≥ koa-jwt with a KeyObject',
    a: 'jam-jwt-hs256-cache',
    b: 'koa-jwt-keyobject',
    bound: 1,
  },
  {
    target: 'jamJwt HS256, cache off ≥ 2× koa-jwt with a string secret ("far ahead")',
    a: 'jam-jwt-hs256-nocache',
    b: 'koa-jwt-string',
    bound: 2,
  },
  { target: 'jamSession in memory ≥ 0.90× bare Koa', a: 'jam-session-memory', b: BASELINE, bound: 0.9 },
  {
    target: 'jamSession in memory ≥ koa-session on the same store',
    a: 'jam-session-memory',
    b: 'koa-session-memory',
    bound: 1,
  },
  { target: 'jamSession on Redis ≥ 0.60× bare Koa', a: 'jam-session-redis', b: BASELINE, bound: 0.6 },
];
const P99_TARGET = 'jamSession in memory: p99 at the most sessions ≤ 1.2× p99 at the fewest';
const P99_BOUND = 1.2;

/**
 * Each ratio target twice: by requests/s as measured, and by server CPU per request (the throughput
 * ratio a CPU-bound server would reach, which the load generator sharing the machine does not blur).
 */
export function checkTargets({ scenarios, growth }: Pick<Results, 'scenarios' | 'growth'>): TargetResult[] {
  const results: TargetResult[] = RATIO_TARGETS.map(({ target, a, b, bound }) => {
    const [x, y] = [a, b].map((id) => scenarios.find((s) => s.id === id));
    if (!x || !y) return { target };
    const byRps = x.rps / y.rps;
    const byCpu = y.cpuPerRequestUs / x.cpuPerRequestUs;
    return { target, byRps, byCpu, met: byRps >= bound, metByCpu: byCpu >= bound };
  });
  const memory = growth.filter((g) => g.store === 'memory').sort((a, b) => a.sessions - b.sessions);
  if (memory.length < 2) return [...results, { target: P99_TARGET }];
  const byP99 = memory.at(-1)!.p99 / memory[0].p99;
  return [...results, { target: P99_TARGET, byRps: byP99, met: byP99 <= P99_BOUND }];
}

const count = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const fixed = (n: number, digits = 2) => n.toFixed(digits);
const yesNo = (met?: boolean) => (met === undefined ? '—' : met ? 'yes' : '**no**');
const faultsOf = (s: Summary) => `${s.errors + s.timeouts} / ${s.non2xx}`;

/** A Markdown table laid out as Prettier would (numbers right-aligned), so the file stays lint-clean. */
function table(header: string[], rows: string[][]): string {
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((row) => /^[\d.,/ ]*$/.test(row[i])));
  const widths = header.map((cell, i) => Math.max(3, cell.length, ...rows.map((row) => row[i].length)));
  const pad = (cell: string, i: number) => (numeric[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i]));
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = widths.map((width, i) => (numeric[i] ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width)));
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)].join('\n');
}

export function markdown(results: Results): string {
  const { machine, settings } = results;
  const out = [
    `Run of ${results.date} (${results.mode} mode): ${settings.rounds} round(s), scenarios alternating; ` +
      `each measurement ${settings.durationSeconds} s after a ${settings.warmupSeconds} s warm-up, ` +
      `${settings.connections} connections, autocannon and a fresh server process per measurement on 127.0.0.1. ` +
      `Medians over the rounds. The run took ${results.minutes.toFixed(1)} minutes.`,
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}; ` +
      `load average ${machine.loadAverage.join(' / ')} at the start, ${results.loadAverageAfter.join(' / ')} at the end.`,
    '',
    'Versions: ' +
      Object.entries(machine.versions)
        .map(([name, version]) => `${name} ${version}`)
        .join(', ') +
      '.',
    '',
    table(
      [
        'scenario',
        'req/s',
        '× bare Koa',
        'server CPU µs/req',
        '× bare Koa by CPU',
        'server CPU %',
        'p50 ms',
        'p99 ms',
        'errors / non-2xx',
        'peak RSS MB',
      ],
      results.scenarios.map((s) => [
        s.label,
        fixed(s.rps, 0),
        fixed(s.ratio),
        fixed(s.cpuPerRequestUs, 0),
        fixed(s.cpuRatio),
        fixed(s.serverCpuShare * 100, 0),
        fixed(s.p50),
        fixed(s.p99),
        faultsOf(s),
        mb(s.peakRssBytes),
      ]),
    ),
  ];
  if (results.growth.length > 0) {
    out.push(
      '',
      '### jamSession with many live sessions',
      '',
      table(
        [
          'store',
          'live sessions',
          'req/s',
          'server CPU µs/req',
          'p50 ms',
          'p99 ms',
          'p99 × fewest',
          'errors / non-2xx',
          'fill s',
          'RSS per 100k MB',
          'heap per 100k MB',
          'peak RSS MB',
        ],
        results.growth.map((g) => {
          const fewest = results.growth.find((other) => other.store === g.store)!;
          // Memory per session only means something over many sessions, and only for the in-process store.
          const perSession = g.store === 'memory' && g.sessions >= 1e5 ? g.population : undefined;
          return [
            g.store,
            count(g.sessions),
            fixed(g.rps, 0),
            fixed(g.cpuPerRequestUs, 0),
            fixed(g.p50),
            fixed(g.p99),
            fixed(g.p99 / fewest.p99),
            faultsOf(g),
            g.population ? fixed(g.population.ms / 1000, 1) : '',
            perSession ? mb((perSession.rssBytes / g.sessions) * 1e5) : '',
            perSession ? mb((perSession.heapBytes / g.sessions) * 1e5) : '',
            mb(g.peakRssBytes),
          ];
        }),
      ),
    );
  }
  out.push(
    '',
    '### Engine calls, in process',
    '',
    'CPU time per call without HTTP, best of five batches: what a scenario adds to bare Koa comes from these.',
    '',
    table(
      ['call', 'CPU µs'],
      results.engineCosts.map((c) => [c.operation, fixed(c.microseconds, 1)]),
    ),
    '',
    '### Targets',
    '',
    table(
      ['target', 'by req/s', 'met', 'by server CPU', 'met by CPU'],
      results.targets.map((t) => [
        t.target,
        t.byRps === undefined ? 'not measured' : fixed(t.byRps),
        yesNo(t.met),
        t.byCpu === undefined ? '' : fixed(t.byCpu),
        yesNo(t.metByCpu),
      ]),
    ),
  );
  return out.join('\n');
}
