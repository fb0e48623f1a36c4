import { setTimeout as sleep } from 'node:timers/promises';
import { declareRacer } from '../../test-support/race.js';

export interface Probe {
  /** What run does: answer after `ms`, throw, or never answer (and never close). */
  behave: 'answer' | 'throw' | 'hang';
  ms?: number;
}

/** A racer with no store, for the spec of race() itself: when it ran, by the real clock. */
export const probeRacer = declareRacer(module, async ({ behave, ms = 0 }: Probe) => ({
  async run() {
    const start = performance.timeOrigin + performance.now();
    if (behave === 'throw') throw new Error('the probe failed on purpose');
    if (behave === 'hang') await new Promise(() => setInterval(() => {}, 1000));
    await sleep(ms);
    return { pid: process.pid, start, end: performance.timeOrigin + performance.now() };
  },
  close: () => (behave === 'hang' ? new Promise<void>(() => {}) : Promise.resolve()),
}));
