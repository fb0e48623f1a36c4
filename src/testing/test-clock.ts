import { JamError, type Clock } from '../index.js';

/**
 * A clock that stands still until told to move: `advance()` it past a token's `exp`, a session's ttl or an
 * OTP step instead of sleeping. Only the Jam it was given to reads it; the process's timers are untouched.
 */
export class TestClock implements Clock {
  #nowMs: number;

  /** @param start where it stands at first (default: the real time now). */
  constructor(start: Date | number = Date.now()) {
    this.#nowMs = checkedTime('TestClock', start);
  }

  now(): number {
    return this.#nowMs;
  }

  /** Moves forward by `ms` milliseconds (not back: use `set` for that). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw JamError.invalidArgument(
        'TestClock.advance: ms must be a finite number of milliseconds, 0 or more',
      );
    this.#nowMs += ms;
  }

  /** Jumps to `time` (a Date, or milliseconds since the epoch), forward or back. */
  set(time: Date | number): void {
    this.#nowMs = checkedTime('TestClock.set', time);
  }
}

function checkedTime(where: string, time: Date | number): number {
  const ms = time instanceof Date ? time.getTime() : time;
  if (typeof ms !== 'number' || !Number.isFinite(ms))
    throw JamError.invalidArgument(`${where}: time must be a valid Date or a finite number of milliseconds`);
  return ms;
}
