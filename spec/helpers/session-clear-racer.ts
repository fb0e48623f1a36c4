import { setTimeout as sleep } from 'node:timers/promises';
import { Jam } from 'koa-jam';
import { MANY_SESSIONS } from './many-sessions.js';
import { declareRacer } from '../../test-support/race.js';

export interface SessionClearRace {
  /** The Redis URL of the session store, shared by the racing processes. */
  url: string;
  /** `create` makes sessions of `key` without pause; `clear` clears them every CLEAR_EVERY_MS. */
  role: 'create' | 'clear';
  key: string;
}

/** A call and when it ran, by the shared system clock. */
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

async function creating(jam: Jam, key: string, stopAt: number): Promise<Created[]> {
  const done: Created[] = [];
  await Promise.all(
    Array.from({ length: CREATORS }, async () => {
      while (Date.now() < stopAt) {
        const start = Date.now();
        const id = await jam.createSession(key, { start });
        done.push({ id, start, end: Date.now() });
      }
    }),
  );
  return done;
}

async function clearing(jam: Jam, key: string, stopAt: number): Promise<Timed[]> {
  const done: Timed[] = [];
  // Stops early, so that the last clear is followed by creates that must survive.
  while (Date.now() < stopAt - 150) {
    await sleep(CLEAR_EVERY_MS);
    const start = Date.now();
    await jam.clearSessions(key);
    done.push({ start, end: Date.now() });
  }
  return done;
}

/** One process of the clearSessions race (spec/engine/session/session-clear-race.spec.ts), for RACE_MS. */
export const sessionClearRacer = declareRacer(module, async ({ url, role, key }: SessionClearRace) => {
  // A loaded machine must not turn this correctness test into a timing one.
  const jam = new Jam({ session: { store: url, storeTimeout: 10_000, maxPerKey: MANY_SESSIONS } });
  await jam.getSession('warm-up-the-connection'.padEnd(32, 'x'));
  return {
    run: (): Promise<Timed[]> => (role === 'create' ? creating : clearing)(jam, key, Date.now() + RACE_MS),
    close: () => jam.close(),
  };
});
