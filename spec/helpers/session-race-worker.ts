/**
 * One process of the clearSessions race (spec/engine/session/session-clear-race.spec.ts).
 * Usage: node session-race-worker.js <redis url> <create|clear> <session key>
 * Prints `ready` once connected, waits for a start time (ms since the epoch) on stdin, races for
 * RACE_MS, then prints one JSON line: what it did and when, by the shared system clock.
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Jam } from 'koa-jam';

export interface Timed {
  start: number;
  end: number;
}
export interface Created extends Timed {
  id: string;
}

const RACE_MS = 600;
const CREATORS = 8;
const CLEAR_EVERY_MS = 25;

async function main(): Promise<void> {
  const [url, role, key] = process.argv.slice(2);
  // A loaded machine must not turn this correctness test into a timing one.
  const jam = new Jam({ session: { store: url, storeTimeout: 10_000 } });
  await jam.getSession('warm-up-the-connection'.padEnd(32, 'x'));
  console.log('ready');
  const [line] = (await once(process.stdin, 'data')) as [Buffer];
  await sleep(Math.max(0, Number(line.toString()) - Date.now()));
  const stopAt = Date.now() + RACE_MS;
  const done: Timed[] = [];
  if (role === 'create') {
    await Promise.all(
      Array.from({ length: CREATORS }, async () => {
        while (Date.now() < stopAt) {
          const start = Date.now();
          const id = await jam.createSession(key, { start });
          done.push({ id, start, end: Date.now() } as Created);
        }
      }),
    );
  } else {
    // Stops early, so that the last clear is followed by creates that must survive.
    while (Date.now() < stopAt - 150) {
      await sleep(CLEAR_EVERY_MS);
      const start = Date.now();
      await jam.clearSessions(key);
      done.push({ start, end: Date.now() });
    }
  }
  console.log(JSON.stringify(done));
  await jam.close();
  process.stdin.destroy();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
