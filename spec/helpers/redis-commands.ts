import { spawnSync } from 'node:child_process';

/** Commands a client may send on its own (discovery, health): not the calls a spec counts. */
const HOUSEKEEPING = new Set(['info', 'cluster', 'ping', 'hello', 'client', 'command', 'select']);

/** How many times each command ran, summed over the Redis processes on `ports` (INFO commandstats). */
export function redisCommandCounts(ports: number[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const port of ports) {
    const info = spawnSync('redis-cli', ['-p', String(port), 'info', 'commandstats'], { encoding: 'utf8' });
    for (const [, name, calls] of info.stdout.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      const command = name.split('|')[0];
      if (!HOUSEKEEPING.has(command)) counts.set(command, (counts.get(command) ?? 0) + Number(calls));
    }
  }
  return counts;
}

/** The commands run between two redisCommandCounts() readings, by name; only those that ran. */
export function commandsBetween(
  before: Map<string, number>,
  after: Map<string, number>,
): Record<string, number> {
  const ran: Record<string, number> = {};
  for (const [command, calls] of after) {
    const delta = calls - (before.get(command) ?? 0);
    if (delta > 0) ran[command] = delta;
  }
  return ran;
}
