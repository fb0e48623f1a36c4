import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Runs `script` (CommonJS, `./dist/index.js` is koa-jam) in a copy of the package whose node_modules lacks
 * `name` (`@scope/pkg` or `pkg`): the real "optional peer not installed" case. Resolves to its stdout.
 */
export function runWithoutPackage(name: string, script: string): string {
  const root = resolve(__dirname, '../../..');
  const dir = mkdtempSync(join(tmpdir(), 'koa-jam-without-'));
  try {
    cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
    cpSync(join(root, 'package.json'), join(dir, 'package.json'));
    linkAllBut(join(root, 'node_modules'), join(dir, 'node_modules'), name.split('/'));
    return spawnSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8' }).stdout.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Links every entry of `from` into `to` except the one `path` names (descending into a scope). */
function linkAllBut(from: string, to: string, [first, ...rest]: string[]): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from)) {
    if (entry !== first) symlinkSync(join(from, entry), join(to, entry));
    else if (rest.length > 0) linkAllBut(join(from, entry), join(to, entry), rest);
  }
}
