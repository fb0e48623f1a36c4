import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..'); // build/bench -> the repository

/** The machine and the versions a run measured, so numbers are never quoted without them. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  /** 1, 5 and 15 minute load averages when the run started: other work on the machine skews numbers. */
  loadAverage: number[];
  versions: Record<string, string>;
}

export function describeMachine(): Machine {
  const versions: Record<string, string> = { node: process.versions.node, 'koa-jam': koaJamVersion() };
  for (const name of ['koa', 'koa-jwt', 'koa-session', 'jsonwebtoken', 'keyv', '@keyv/redis', 'autocannon']) {
    versions[name] = packageVersion(name);
  }
  versions['redis-server'] = command('redis-server', ['--version']).match(/v=(\S+)/)?.[1] ?? 'not installed';
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
    versions,
  };
}

function packageVersion(name: string): string {
  return versionIn(join(ROOT, 'node_modules', name, 'package.json'));
}

function versionIn(packageJson: string): string {
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
}

/** The package version and the commit it was built from, marked when the tree had uncommitted changes. */
function koaJamVersion(): string {
  const commit = command('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']).trim() || 'unknown commit';
  const dirty = command('git', ['-C', ROOT, 'status', '--porcelain', '--', 'src']).trim() ? ' + changes' : '';
  return `${versionIn(join(ROOT, 'package.json'))} (${commit}${dirty})`;
}

function command(file: string, args: string[]): string {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}
