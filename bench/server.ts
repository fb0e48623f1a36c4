import type { AddressInfo } from 'node:net';
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

export type ServerMessage =
  | { type: 'ready'; port: number; headers: Headers; population?: Population }
  | { type: 'stats'; peakRssBytes: number; cpuMicros: number }
  | { type: 'failed'; message: string };

export type HarnessMessage = { type: 'stats' } | { type: 'stop' };

const send = (message: ServerMessage) => process.send!(message);

async function main(): Promise<void> {
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
  send({ type: 'ready', port, headers, population });

  process.on('message', async (message: HarnessMessage) => {
    if (message.type === 'stats') {
      // maxRSS is the kernel's high-water mark of this process, in KiB.
      const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
      send({ type: 'stats', peakRssBytes: maxRSS * 1024, cpuMicros: userCPUTime + systemCPUTime });
    } else {
      server.closeAllConnections();
      server.close();
      await built.close?.();
      process.exit(0); // exits normally, so --cpu-prof writes its profile
    }
  });
}

/** Memory after a full collection (the harness starts this process with --expose-gc). */
function settledMemory(): NodeJS.MemoryUsage {
  globalThis.gc?.();
  return process.memoryUsage();
}

// The harness going away (even killed) must not leave a server behind.
process.on('disconnect', () => process.exit(0));

main().catch((err: Error) => {
  send({ type: 'failed', message: err.stack ?? String(err) });
  process.exit(1);
});
