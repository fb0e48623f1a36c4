import { configError } from './option-checks.js';

/**
 * Loads an optional peer dependency the config asks for; a missing package is ERR_CONFIG naming it and the
 * option that needs it. `require` also loads ESM-only packages on the Node versions koa-jam supports.
 */
export function requirePeer<T>(name: string, path: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional peer, loaded only when configured
    return require(name) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    throw configError(`${path} uses ${name}, which is not installed; run: npm install ${name}`, err);
  }
}
