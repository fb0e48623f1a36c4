import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { ROOT } from './markdown-links.js';

const SCRIPT = join(ROOT, 'scripts', 'docs-options.mjs');

async function run(...args: string[]): Promise<{ code: number; output: string }> {
  return promisify(execFile)(process.execPath, [SCRIPT, ...args], { cwd: ROOT }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (err: { code: number; stderr: string }) => ({ code: err.code, output: err.stderr }),
  );
}

describe('generated option tables (npm run docs:options)', function () {
  this.timeout(20_000);

  it('docs/ is up to date with the options schemas and the error table', async () => {
    expect(await run('--check')).to.deep.equal({ code: 0, output: '' });
  });

  it('--check fails on a stale table or an unknown section; a run rewrites the stale one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'koa-jam-docs-'));
    try {
      cpSync(join(ROOT, 'docs', 'jwt.md'), join(dir, 'jwt.md'));
      const page = join(dir, 'jwt.md');
      const fresh = readFileSync(page, 'utf8');
      const stale = fresh.replace(/(\| `expire` +\| )`3600`/, '$1`7200`');
      expect(stale).not.to.equal(fresh);
      writeFileSync(page, stale);
      const failed = await run('--check', `--docs=${dir}`);
      expect(failed.code).to.equal(1);
      expect(failed.output).to.include('jwt.md: generated tables are stale');
      expect(await run(`--docs=${dir}`)).to.include({ code: 0 });
      expect(readFileSync(page, 'utf8')).to.equal(fresh);

      writeFileSync(join(dir, 'other.md'), '<!-- options:nope -->\n\n<!-- /options:nope -->\n');
      const unknown = await run('--check', `--docs=${dir}`);
      expect(unknown.code).to.equal(1);
      expect(unknown.output).to.include('<!-- options:nope --> names no known section');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
