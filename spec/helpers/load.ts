import { setTimeout as sleep } from 'node:timers/promises';

export interface LoadOptions {
  /** Loops running at once. */
  concurrency: number;
  /** No step starts once this many milliseconds have passed. */
  durationMs: number;
  /**
   * Each loop starts a step at most once per this many milliseconds: the load is a rate, not "as fast as the
   * machine goes", so a faster machine does not use up a step budget before the interesting part of the run.
   */
  intervalMs: number;
  /** A safety cap: no step starts once this many have started. Set it well above duration × rate. */
  maxSteps: number;
}

/**
 * Runs `step` from `concurrency` loops, each paced to one step per intervalMs, until durationMs has passed (or
 * the maxSteps cap is reached), and resolves with the number of steps run: load bounded in count and time that
 * stops by itself.
 */
export async function driveLoad(
  { concurrency, durationMs, intervalMs, maxSteps }: LoadOptions,
  step: (index: number) => Promise<void>,
): Promise<number> {
  const stopAt = Date.now() + durationMs;
  let started = 0;
  const loop = async () => {
    while (started < maxSteps && Date.now() < stopAt) {
      const next = Date.now() + intervalMs;
      await step(started++);
      const wait = next - Date.now();
      if (wait > 0) await sleep(wait);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return started;
}
