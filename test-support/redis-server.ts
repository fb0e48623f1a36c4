import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/** A real redis-server on a loopback port, started for a spec or a benchmark and stopped by pid. */
export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Starts it again on the same port (after stop()), empty unless started with `durable`. */
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open and nothing answers, a hung store. */
  pause(): void;
  resume(): void;
}

export interface RedisServerOptions {
  /**
   * Keep the data across stop()/start(), as production Redis does with an append-only file (fsync on every
   * write): an outage then tests the client, not data loss on a restart. The file lives in a temporary
   * directory, removed when the process exits.
   */
  durable?: boolean;
}

/** Whether redis-server can be started on this machine. */
export const redisAvailable = spawnSync('redis-server', ['--version']).status === 0;

export async function startRedis({ durable = false }: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const persistence = durable ? appendOnlyFileArgs() : ['--save', '', '--appendonly', 'no'];
  let child: ChildProcess | undefined;
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      child = await spawnRedis(port, persistence);
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      running.kill('SIGCONT'); // a paused server handles SIGTERM only once it runs again
      await exited;
    },
  };
  await server.start();
  return server;
}

export function spawnRedis(port: number, persistence: string[]): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', ...persistence, '--loglevel', 'warning'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start on port ${port}`)), 5000);
    const poll = setInterval(() => {
      const probe = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
      if (probe.stdout?.trim() === 'PONG') {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(child);
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}`));
    });
  });
}

function appendOnlyFileArgs(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'koa-jam-redis-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return ['--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'];
}
