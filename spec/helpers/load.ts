export interface LoadOptions {
  /** Loops running at once. */
  concurrency: number;
  /** No step starts once this many have started. */
  maxSteps: number;
  /** No step starts once this many milliseconds have passed. */
  durationMs: number;
}

/**
 * Runs `step` from `concurrency` loops until maxSteps have started or durationMs has passed, whichever comes
 * first, and resolves with the number of steps run: load that is bounded in count and time and stops by itself.
 */
export async function driveLoad(
  { concurrency, maxSteps, durationMs }: LoadOptions,
  step: (index: number) => Promise<void>,
): Promise<number> {
  const stopAt = Date.now() + durationMs;
  let started = 0;
  const loop = async () => {
    while (started < maxSteps && Date.now() < stopAt) await step(started++);
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return started;
}
