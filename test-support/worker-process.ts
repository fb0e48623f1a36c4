import { fork } from 'node:child_process';

/**
 * A Node process that a spec or a benchmark forks and drives over IPC: it reports ready (with a value, e.g. the
 * port it listens on), answers named questions, and stops when asked. Every wait is bounded, and whatever does
 * not stop in time is killed by its pid: a stuck worker fails its spec, it never hangs the run.
 */
export interface WorkerProcess<Ready> {
  pid: number;
  /** What the worker reported once ready. */
  ready: Ready;
  /** The exit code or signal once the process has exited; undefined while it runs. */
  exit(): WorkerExit | undefined;
  /** Asks the worker one of its answers; rejects with its error, on its exit, or after `timeoutMs`. */
  ask<T>(name: string, data?: unknown, timeoutMs?: number): Promise<T>;
  /** Asks the worker to stop and waits for its exit; kills it (SIGKILL) after the grace time. */
  stop(): Promise<WorkerExit>;
}

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WorkerOptions {
  /** Node flags of the worker, e.g. `--expose-gc`. */
  execArgv?: string[];
  /** How long the worker may take to report ready (default 30 s); then it is killed. */
  readyTimeoutMs?: number;
  /** How long stop() waits for the worker to exit by itself (default 5 s). */
  stopGraceMs?: number;
}

/** In the worker: what it reports when ready, the questions it answers, and how it stops. */
export interface WorkerRole<Ready> {
  ready: Ready;
  answers: Record<string, (data: never) => unknown>;
  stop(): Promise<void>;
}

type WorkerMessage =
  | { type: 'ready'; value: unknown }
  | { type: 'failed'; error: string }
  | { type: 'answer'; id: number; value?: unknown; error?: string };
type ParentMessage = { type: 'ask'; id: number; name: string; data?: unknown } | { type: 'stop' };

const ASK_TIMEOUT_MS = 30_000;

/** Rejects with `what` timed out unless `promise` settles within `ms`. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Forks `script` (a compiled module that calls serveWorker) and resolves once it reports ready. */
export async function startWorker<Ready>(
  script: string,
  args: string[] = [],
  { execArgv = [], readyTimeoutMs = 30_000, stopGraceMs = 5000 }: WorkerOptions = {},
): Promise<WorkerProcess<Ready>> {
  const child = fork(script, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const name = `worker ${script} (pid ${child.pid})`;
  let exited: WorkerExit | undefined;
  const exit = new Promise<WorkerExit>((resolve) =>
    child.once('exit', (code, signal) => resolve((exited = { code, signal }))),
  );
  const pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  let lastId = 0;
  const answered = new Promise<Ready>((resolve, reject) => {
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') resolve(message.value as Ready);
      else if (message.type === 'failed') reject(new Error(`${name} failed to start: ${message.error}`));
      else {
        const asked = pending.get(message.id);
        pending.delete(message.id);
        if (message.error === undefined) asked?.resolve(message.value);
        else asked?.reject(new Error(`${name}: ${message.error}`));
      }
    });
    void exit.then(({ code, signal }) => {
      const err = new Error(`${name} exited (${code ?? signal})`);
      reject(err);
      for (const asked of pending.values()) asked.reject(err);
      pending.clear();
    });
  });
  const kill = async () => {
    if (!exited) child.kill('SIGKILL');
    return exit;
  };
  let ready: Ready;
  try {
    ready = await within(readyTimeoutMs, `${name} ready`, answered);
  } catch (err) {
    await kill();
    throw err;
  }
  return {
    pid: child.pid!,
    ready,
    exit: () => exited,
    ask<T>(question: string, data?: unknown, timeoutMs = ASK_TIMEOUT_MS) {
      const id = ++lastId;
      const answer = new Promise<T>((resolve, reject) => {
        if (exited) return reject(new Error(`${name} has exited`));
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ type: 'ask', id, name: question, data } satisfies ParentMessage);
      });
      return within(timeoutMs, `${name} ${question}`, answer).finally(() => pending.delete(id));
    },
    async stop() {
      if (exited) return exited;
      if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage);
      return within(stopGraceMs, `${name} stop`, exit).catch(kill);
    },
  };
}

/**
 * In the worker process: starts its role, reports ready, answers the parent's questions, and on stop (or when
 * the parent goes away) stops the role and exits: a worker lives as long as its role, whatever handles are left.
 * A role that fails to start is reported, and the process exits with 1.
 */
export function serveWorker<Ready>(start: () => Promise<WorkerRole<Ready>>): void {
  const send = (message: WorkerMessage, then = () => {}) => process.send!(message, then);
  const describe = (err: unknown) => (err instanceof Error ? (err.stack ?? err.message) : String(err));
  start().then(
    (role) => {
      let stopping: Promise<void> | undefined;
      const stop = () => (stopping ??= role.stop().finally(() => process.exit()));
      process.once('disconnect', () => void stop());
      process.on('message', async (message: ParentMessage) => {
        if (message.type === 'stop') return void stop();
        const { id, name, data } = message;
        try {
          const answer = role.answers[name];
          if (!answer) throw new Error(`no answer named ${name}`);
          send({ type: 'answer', id, value: await answer(data as never) });
        } catch (err) {
          send({ type: 'answer', id, error: describe(err) });
        }
      });
      send({ type: 'ready', value: role.ready });
    },
    (err: unknown) => send({ type: 'failed', error: describe(err) }, () => process.exit(1)),
  );
}
