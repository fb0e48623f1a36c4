import { setTimeout as sleep } from 'node:timers/promises';
import { serveWorker, startWorker } from './worker-process.js';

/**
 * One process's part in a race, given its input: it sets up before the start (opens its store, warms the
 * connection up) and answers `run`, called at the common start time, and `close`.
 */
export type RacerSetup<Input, Result> = (input: Input) => Promise<{
  run(): Promise<Result>;
  close(): Promise<void>;
}>;

/** A racer: the compiled module that declares it (forked once per process) and its setup. */
export interface Racer<Input, Result> {
  script: string;
  setup: RacerSetup<Input, Result>;
}

export interface RaceOptions {
  /** Bound on each phase (setting up, running); past it the race fails and its processes are killed. */
  timeoutMs?: number;
}

/** The real time, even where a spec froze Date (the racers run on the real clock). */
const realNow = () => performance.timeOrigin + performance.now();

/** Time between the last racer being ready and the common start, for the start messages to arrive. */
const START_MARGIN_MS = 100;

/**
 * Declares a racer in its own module (`module` of that module). When the module is the main one of a process
 * (forked by race()), it serves the racer: set up on `prepare`, run at the time `go` names, close on stop.
 */
export function declareRacer<Input, Result>(
  module: NodeModule,
  setup: RacerSetup<Input, Result>,
): Racer<Input, Result> {
  if (require.main === module) {
    serveWorker(async () => {
      let racer: Awaited<ReturnType<typeof setup>> | undefined;
      return {
        ready: null,
        answers: {
          prepare: async (input: Input) => void (racer = await setup(input)),
          go: async (at: number) => {
            await sleep(Math.max(0, at - realNow()));
            return racer!.run();
          },
        },
        stop: async () => racer?.close(),
      };
    });
  }
  return { script: module.filename, setup };
}

/**
 * Races one process per input: all set up, then all start at one instant (a start barrier), and each one's
 * result is answered, in the order of `inputs`. Every process is stopped (killed by pid if it hangs); a racer
 * that fails, or exits other than with 0, fails the race.
 */
export async function race<Input, Result>(
  racer: Racer<Input, Result>,
  inputs: Input[],
  { timeoutMs = 30_000 }: RaceOptions = {},
): Promise<Result[]> {
  const started = await Promise.allSettled(inputs.map(() => startWorker<null>(racer.script)));
  const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  let results: Result[];
  try {
    for (const s of started) if (s.status === 'rejected') throw s.reason;
    await Promise.all(workers.map((worker, i) => worker.ask('prepare', inputs[i], timeoutMs)));
    const at = realNow() + START_MARGIN_MS;
    results = await Promise.all(workers.map((worker) => worker.ask<Result>('go', at, timeoutMs)));
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
  }
  const failed = workers.map((worker) => worker.exit()!).find((exit) => exit.code !== 0);
  if (failed) throw new Error(`a racer of ${racer.script} exited with ${failed.code ?? failed.signal}`);
  return results;
}
