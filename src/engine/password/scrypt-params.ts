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
/**
 * Ceilings on what one hash may cost, checked before any work (a stored hash is data: imports, tenant admins).
 * Memory 128·N·r at most 256 MiB (the default takes 32 MiB); work N·r·p at most 2^22, 16/3 of the default's
 * (about 1 to 3 s on one core). Within both: N=2^17 r=8 p=1 (128 MiB), N=2^18 r=8 p=2, the default N and r
 * with p=16. Beyond: ln=20,r=32,p=1 (4 GiB, 15 s), ln=20,r=32,p=16 (4 minutes).
 */
const SCRYPT_MAX_MEMORY_BYTES = 256 * 2 ** 20;
const SCRYPT_MAX_WORK = 2 ** 22;

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
  const { cost, blockSize, parallelization } = merged;
  if (
    128 * cost * blockSize > SCRYPT_MAX_MEMORY_BYTES ||
    cost * blockSize * parallelization > SCRYPT_MAX_WORK
  ) {
    throw JamError.invalidArgument(
      `${where}: scrypt parameters beyond the ceiling (memory 128*N*r at most 256 MiB, work N*r*p at most 2^22)`,
    );
  }
  return merged;
}

/** Node refuses to allocate more than maxmem; scrypt needs about 128·N·r bytes. */
export function scryptMaxmem({ cost, blockSize }: ScryptParams): number {
  return 256 * cost * blockSize;
}
