import FakeTimers from '@sinonjs/fake-timers';

export type FrozenClock = ReturnType<typeof FakeTimers.install>;

/** A frozen Date for time-based specs; timers keep running so supertest and mocha work. */
export function freezeClock(now = Date.UTC(2026, 0, 1)): FrozenClock {
  return FakeTimers.install({ now, toFake: ['Date'] });
}
