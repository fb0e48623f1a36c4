import { JamError } from '../jam-error.js';

/** scrypt's work factors, by node:crypto's names (N, r, p in the paper). */
export interface ScryptParams {
  /** CPU/memory cost N, a power of two. */
  cost: number;
  /** Block size r. */
  blockSize: number;
  /** Parallelization p (Node computes the p lanes one after another: it multiplies time, not memory). */
  parallelization: number;
}

/**
 * OWASP's scrypt setting of 32 MiB: N=2^15, r=8, p=3, as strong as N=2^17, p=1 with a quarter of the memory
 * per concurrent login. About 0.2 to 0.5 s per hash on one core.
 */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({
  cost: 2 ** 15,
  blockSize: 8,
  parallelization: 3,
});

/** Bounds for parameters given or read from a stored hash, so a bad record cannot exhaust memory or time. */
const LIMITS = { cost: [2 ** 10, 2 ** 20], blockSize: [1, 32], parallelization: [1, 16] } as const;

export function checkScryptParams(params: Partial<ScryptParams> | undefined, where: string): ScryptParams {
  const merged = { ...DEFAULT_SCRYPT_PARAMS, ...params };
  for (const name of Object.keys(LIMITS) as (keyof ScryptParams)[]) {
    const [min, max] = LIMITS[name];
    const value = merged[name];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw JamError.invalidArgument(`${where}: scrypt ${name} must be an integer from ${min} to ${max}`);
    }
  }
  if ((merged.cost & (merged.cost - 1)) !== 0) {
    throw JamError.invalidArgument(`${where}: scrypt cost must be a power of two`);
  }
  return merged;
}

/** Node refuses to allocate more than maxmem; scrypt needs about 128·N·r bytes. */
export function scryptMaxmem({ cost, blockSize }: ScryptParams): number {
  return 256 * cost * blockSize;
}
