import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { expect } from 'chai';

export interface Racer<T> {
  child: ChildProcess;
  /** Resolves once the child has set up (connected to its store) and waits for the start line. */
  ready: Promise<void>;
  go(): void;
  results: Promise<T>;
}

/**
 * A child process for a cross-process race (a compiled worker in spec/helpers/): it gets `input` as one JSON
 * line, prints "ready", and on "go" runs its calls at once and prints their results as one JSON line.
 */
export function startRacer<T>(script: string, args: string[], input: unknown): Racer<T> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  child.stdin.write(`${JSON.stringify(input)}\n`);
  const ready = lines.next().then(({ value }) => void expect(value).to.equal('ready'));
  return {
    child,
    ready,
    go: () => child.stdin.end('go\n'),
    results: (async (): Promise<T> => {
      await ready;
      const { value } = await lines.next();
      await once(child, 'exit');
      return JSON.parse(value) as T;
    })(),
  };
}

/** Starts every racer, lets them all go at once, and answers each one's results; kills what is left. */
export async function race<T>(racers: Racer<T>[]): Promise<T[]> {
  try {
    await Promise.all(racers.map((r) => r.ready));
    for (const r of racers) r.go();
    return await Promise.all(racers.map((r) => r.results));
  } finally {
    for (const r of racers) if (r.child.exitCode === null) r.child.kill();
  }
}
