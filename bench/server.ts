import type { AddressInfo } from 'node:net';
import { serveWorker } from '../test-support/worker-process.js';
import { scenarioById, type Headers, type ScenarioOptions } from './scenarios.js';

/**
 * One scenario's server, in its own process (started by the harness with an IPC channel):
 * builds the app, fills its store, listens on a random loopback port, and reports back.
 */

export interface Population {
  count: number;
  ms: number;
  /** RSS and heap growth after a full GC, in bytes. */
  rssBytes: number;
  heapBytes: number;
}

/** What the server reports once it listens. */
export interface ServerReady {
  port: number;
  headers: Headers;
  population?: Population;
}

/** Its CPU time and peak memory so far, asked before and after a measured run. */
export interface ServerStats {
  peakRssBytes: number;
  cpuMicros: number;
}

serveWorker(async () => {
  const [id, optionsJson] = process.argv.slice(2);
  const options = JSON.parse(optionsJson ?? '{}') as ScenarioOptions;
  const built = await scenarioById(id).build(options);

  let population: Population | undefined;
  if (options.entries && built.populate) {
    const before = settledMemory();
    const started = performance.now();
    await built.populate(options.entries);
    const ms = performance.now() - started;
    const after = settledMemory();
    population = {
      count: options.entries,
      ms,
      rssBytes: after.rss - before.rss,
      heapBytes: after.heapUsed - before.heapUsed,
    };
  }

  const server = built.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const headers = await built.credentials(`http://127.0.0.1:${port}`);
  return {
    ready: { port, headers, population } satisfies ServerReady,
    answers: {
      stats: (): ServerStats => {
        // maxRSS is the kernel's high-water mark of this process, in KiB.
        const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
        return { peakRssBytes: maxRSS * 1024, cpuMicros: userCPUTime + systemCPUTime };
      },
    },
    async stop() {
      server.closeAllConnections();
      server.close();
      await built.close?.();
    },
  };
});

/** Memory after a full collection (the harness starts this process with --expose-gc). */
function settledMemory(): NodeJS.MemoryUsage {
  globalThis.gc?.();
  return process.memoryUsage();
}
