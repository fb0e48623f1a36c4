import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { serveWorker, startWorker, type WorkerExit } from '../../test-support/worker-process.js';

/** An app running in its own Node process on a loopback port, driven over HTTP and stopped by pid. */
export interface AppProcess {
  url: string;
  pid: number;
  /** The exit code or signal once the process has exited; undefined while it runs. */
  exit(): WorkerExit | undefined;
  /** process.memoryUsage() of the app, measured right after a full garbage collection. */
  memory(): Promise<NodeJS.MemoryUsage>;
  /** Asks the app to close its server and its Jam, then waits for the exit; kills it if it does not exit. */
  stop(): Promise<void>;
}

/** Forks `script` (a compiled worker that calls serveAppProcess) with `args`; resolves once it listens. */
export async function startAppProcess(script: string, args: string[]): Promise<AppProcess> {
  const worker = await startWorker<{ port: number }>(script, args, { execArgv: ['--expose-gc'] });
  return {
    url: `http://127.0.0.1:${worker.ready.port}`,
    pid: worker.pid,
    exit: worker.exit,
    memory: () => worker.ask('memory'),
    stop: async () => void (await worker.stop()),
  };
}

/** In the app process: listens on a random loopback port, tells the parent, and answers its questions. */
export function serveAppProcess(app: Koa, onStop: () => Promise<void>): void {
  serveWorker(async () => {
    const server = createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      ready: { port: (server.address() as AddressInfo).port },
      answers: {
        memory: () => {
          (globalThis as { gc?: () => void }).gc?.();
          return process.memoryUsage();
        },
      },
      async stop() {
        server.close();
        server.closeAllConnections();
        await onStop();
      },
    };
  });
}
