import { setTimeout as sleep } from 'node:timers/promises';
import { Jam } from 'koa-jam';
import { MANY_SESSIONS } from './many-sessions.js';
import { declareRacer } from '../../test-support/race.js';

export type DevicesJob =
  /**
   * Creates sessions on `lanes` concurrent lanes until `count` are made or `forMs` has passed; with `until`,
   * instead until that session key has a session (another racer's signal) and each lane has made one more.
   */
  | { role: 'create'; sessionKey: string; count?: number; forMs: number; lanes: number; until?: string }
  | { role: 'end'; sessionKey: string; handles: string[] }
  /** Lists the key's sessions (and, with `read`, reads that session) over and over for `forMs`, 3 times at least. */
  | { role: 'list'; sessionKey: string; forMs: number; read?: string }
  /** Clears `times` times, `everyMs` apart; then, with `signal`, creates a session of that key. */
  | { role: 'clear'; sessionKey: string; except: string; times: number; everyMs: number; signal?: string };

export interface DevicesCall {
  start: number;
  end: number;
  /** create: the new id; end: the handle it ended. */
  id?: string;
  handle?: string;
  ended?: boolean;
  /** list: the handles listed, and whether the session it read was live. */
  handles?: string[];
  readLive?: boolean;
}

async function run(jam: Jam, job: DevicesJob): Promise<DevicesCall[]> {
  const calls: DevicesCall[] = [];
  const timed = async (call: () => Promise<Omit<DevicesCall, 'start' | 'end'>>) => {
    const start = Date.now();
    const result = await call();
    calls.push({ start, end: Date.now(), ...result });
  };
  const began = Date.now();
  if (job.role === 'create') {
    let made = 0;
    const { until, count = 0 } = job;
    const signalled = async () => until !== undefined && (await jam.listSessions(until)).length > 0;
    const lane = async () => {
      while (Date.now() - began < job.forMs) {
        if (until === undefined && made++ >= count) return;
        // However fast or slow the machine, a lane signalled to stop makes one more session first.
        const last = await signalled();
        const meta = { pid: process.pid };
        await timed(async () => ({ id: await jam.createSession(job.sessionKey, {}, { meta }) }));
        if (last) return;
      }
    };
    await Promise.all(Array.from({ length: job.lanes }, lane));
  } else if (job.role === 'end') {
    await Promise.all(
      job.handles.map((handle) =>
        timed(async () => ({ handle, ended: await jam.deleteSessionByHandle(job.sessionKey, handle) })),
      ),
    );
  } else if (job.role === 'list') {
    // At least three lists, however slow the machine.
    while (calls.length < 3 || Date.now() - began < job.forMs) {
      const { read } = job;
      await timed(async () => ({
        handles: (await jam.listSessions(job.sessionKey)).map((s) => s.handle),
        ...(read !== undefined && { readLive: (await jam.getSession(read)) !== null }),
      }));
    }
  } else {
    for (let i = 0; i < job.times; i++) {
      await sleep(job.everyMs);
      await timed(async () => {
        await jam.clearSessions(job.sessionKey, { except: job.except });
        return {};
      });
    }
    if (job.signal !== undefined) await jam.createSession(job.signal, {});
  }
  return calls;
}

/**
 * One process of the cross-process races of listSessions (spec/engine/session/key-sessions-processes.spec.ts):
 * does its job on the shared store and answers what it did, with the times of each call by the system clock
 * the processes share.
 */
export const devicesRacer = declareRacer(
  module,
  async ({ store, ...job }: DevicesJob & { store: string }) => {
    // A loaded machine must not turn this correctness test into a timing one.
    const jam = new Jam({ session: { store, storeTimeout: 10_000, maxPerKey: MANY_SESSIONS } });
    await jam.listSessions(`warm-up-${process.pid}`); // connects first
    return { run: () => run(jam, job as DevicesJob), close: () => jam.close() };
  },
);
