import type { Parameters } from 'fast-check';

/**
 * `npm test` fuzzes with a fixed seed and a few hundred runs per property, so a failure is reproducible and
 * the suite stays quick; `npm run fuzz` sets JAM_FUZZ_RUNS and, unless JAM_FUZZ_SEED is given, a new seed.
 * fast-check prints the seed and the shrunk counterexample of any failure: rerun with JAM_FUZZ_SEED=<seed>.
 */
const longRun = process.env.JAM_FUZZ_RUNS !== undefined;
const runs = Number(process.env.JAM_FUZZ_RUNS ?? 200);
const seed = Number(process.env.JAM_FUZZ_SEED ?? (longRun ? Date.now() % 2 ** 31 : 20261129));
if (longRun) console.log(`      fuzzing with JAM_FUZZ_SEED=${seed}, ${runs} runs per property`);

/** Settings for a property; `share` scales the runs for properties that cost more (one HTTP request per run). */
export function fuzzSettings<T>(share = 1): Parameters<T> {
  return {
    seed,
    numRuns: Math.max(1, Math.round(runs * share)),
    // A run that does not settle in this time is a hang (a catastrophic regex, an endless loop), not a slow machine.
    timeout: 10_000,
  };
}

/** Whole-suite bound for mocha: generous, since the machine is shared; it only catches hangs. */
export const FUZZ_SUITE_TIMEOUT_MS = longRun ? 0 : 120_000;
