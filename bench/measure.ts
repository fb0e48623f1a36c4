import { join } from 'node:path';
import autocannon from 'autocannon';
import { startWorker } from '../test-support/worker-process.js';
import { BODY, type Headers, type ScenarioOptions } from './scenarios.js';
import type { Population, ServerReady, ServerStats } from './server.js';

export interface LoadOptions {
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
}

/** One measured run of one scenario. */
export interface Sample {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  peakRssBytes: number;
  /**
   * Server CPU time (user + system) per answered request, in microseconds: what the scenario costs,
   * even when the load generator or other work on the machine limits req/s.
   */
  cpuPerRequestUs: number;
  /** The server's CPU time over the run's wall time: near 1 when the server was the bottleneck. */
  serverCpuShare: number;
}

export interface RunningServer {
  url: string;
  headers: Headers;
  population?: Population;
  /** Drives the server: a warm-up, then the measured run. */
  load(options: LoadOptions): Promise<Sample>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 300_000; // generous: filling a store with a million sessions on a busy machine takes minutes

/** Starts a scenario's server in a fresh process and checks that its route answers the expected JSON. */
export async function startServer(
  id: string,
  options: ScenarioOptions,
  { cpuProfileDir }: { cpuProfileDir?: string } = {},
): Promise<RunningServer> {
  const execArgv = ['--expose-gc'];
  if (cpuProfileDir) {
    execArgv.push(
      '--cpu-prof',
      `--cpu-prof-dir=${cpuProfileDir}`,
      `--cpu-prof-name=${id}.${Date.now()}.cpuprofile`,
    );
  }
  const child = await startWorker<ServerReady>(join(__dirname, 'server.js'), [id, JSON.stringify(options)], {
    execArgv,
    readyTimeoutMs: READY_TIMEOUT_MS,
    stopGraceMs: 10_000, // time to write a CPU profile
  });
  const { ready } = child;
  try {
    const url = `http://127.0.0.1:${ready.port}/`;
    await checkAnswer(id, url, ready.headers);
    return {
      url,
      headers: ready.headers,
      population: ready.population,
      async load({ connections, warmupSeconds, durationSeconds }) {
        // autocannon stops at its first sample tick after the duration: ticks of 100 ms keep runs to length.
        const common = {
          url,
          headers: ready.headers,
          connections,
          pipelining: 1,
          timeout: 10,
          sampleInt: 100,
        };
        await cannon({ ...common, duration: warmupSeconds });
        const before = await child.ask<ServerStats>('stats');
        const latencies: number[] = [];
        const result = await cannon({ ...common, duration: durationSeconds }, latencies);
        const after = await child.ask<ServerStats>('stats');
        latencies.sort((a, b) => a - b);
        const cpuUs = after.cpuMicros - before.cpuMicros;
        return {
          rps: result['2xx'] / result.duration,
          p50: percentile(latencies, 0.5),
          p99: percentile(latencies, 0.99),
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          peakRssBytes: after.peakRssBytes,
          cpuPerRequestUs: cpuUs / result['2xx'],
          serverCpuShare: cpuUs / (result.duration * 1e6),
        };
      },
      stop: async () => void (await child.stop()),
    };
  } catch (err) {
    await child.stop();
    throw err;
  }
}

async function checkAnswer(id: string, url: string, headers: Headers): Promise<void> {
  const response = await fetch(url, { headers });
  const body = await response.text();
  if (response.status !== 200 || body !== BODY) {
    throw new Error(`${id}: expected 200 ${BODY}, got ${response.status} ${body.slice(0, 200)}`);
  }
}

/** Runs autocannon; with `latencies`, collects every 2xx response time in exact milliseconds (its own histogram keeps whole ms). */
function cannon(options: autocannon.Options, latencies?: number[]): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (err, result) => (err ? reject(err) : resolve(result)));
    if (latencies) {
      instance.on('response', (_client, status, _bytes, ms) => {
        if (status >= 200 && status < 300) latencies.push(ms);
      });
    }
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN;
}
