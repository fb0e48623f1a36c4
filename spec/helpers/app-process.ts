import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

/** An app running in its own Node process on a loopback port, driven over HTTP and stopped by pid. */
export interface AppProcess {
  url: string;
  pid: number;
  /** The exit code or signal once the process has exited; undefined while it runs. */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** process.memoryUsage() of the app, measured right after a full garbage collection. */
  memory(): Promise<NodeJS.MemoryUsage>;
  /** Asks the app to close its server and its Jam, then waits for the exit; kills it if it does not exit. */
  stop(): Promise<void>;
}

/** Messages between an app process and its parent (see serveAppProcess). */
export type ParentMessage = { type: 'memory' } | { type: 'stop' };
export type ChildMessage =
  { type: 'listening'; port: number } | { type: 'memory'; usage: NodeJS.MemoryUsage };

const STOP_GRACE_MS = 5000;

/** Forks `script` (a compiled worker that calls serveAppProcess) with `args`; resolves once it listens. */
export async function startAppProcess(script: string, args: string[]): Promise<AppProcess> {
  const child: ChildProcess = fork(script, args, {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let exited: ReturnType<AppProcess['exit']>;
  child.once('exit', (code, signal) => (exited = { code, signal }));
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (m: ChildMessage) => m.type === 'listening' && resolve(m.port));
    child.once('exit', (code) =>
      reject(new Error(`app process ${script} exited with ${code} before listening`)),
    );
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    exit: () => exited,
    async memory() {
      const answer = new Promise<NodeJS.MemoryUsage>((resolve) => {
        const listen = (m: ChildMessage) => {
          if (m.type !== 'memory') return;
          child.off('message', listen);
          resolve(m.usage);
        };
        child.on('message', listen);
      });
      child.send({ type: 'memory' } satisfies ParentMessage);
      return answer;
    },
    async stop() {
      if (exited) return;
      const done = once(child, 'exit');
      child.send({ type: 'stop' } satisfies ParentMessage);
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await done;
      clearTimeout(timer);
    },
  };
}

/** In the app process: listens on a random loopback port, tells the parent, and answers its messages. */
export function serveAppProcess(app: Koa, onStop: () => Promise<void>): void {
  const server = createServer(app.callback());
  server.listen(0, '127.0.0.1', () => {
    process.send!({ type: 'listening', port: (server.address() as AddressInfo).port } satisfies ChildMessage);
  });
  process.on('message', async (message: ParentMessage) => {
    if (message.type === 'memory') {
      (globalThis as { gc?: () => void }).gc?.();
      process.send!({ type: 'memory', usage: process.memoryUsage() } satisfies ChildMessage);
    } else {
      server.close();
      server.closeAllConnections();
      await onStop();
      process.disconnect();
    }
  });
}
