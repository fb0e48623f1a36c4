import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The built CLI, found as npm finds it: through the `bin` field of koa-jam's package.json. */
export const CLI_PATH = (() => {
  const manifest = require.resolve('koa-jam/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> };
  return join(dirname(manifest), bin['koa-jam']);
})();

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `koa-jam ...args` as a child process, feeding `input` on stdin (closed either way). */
export function runCli(
  args: string[],
  { input = '', env }: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { env: env ?? process.env, timeout: 20_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
