import { JamError } from '../jam-error.js';

/**
 * Loads an optional peer dependency when the feature that needs it is configured; a missing package is
 * ERR_CONFIG naming it and the option that asked for it (`path`).
 */
export function requireOptional<T>(name: string, path: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional peer, loaded only when used
    return require(name) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    throw JamError.config(`${path} uses ${name}, which is not installed; run: npm install ${name}`, err);
  }
}
