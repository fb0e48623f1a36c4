/**
 * Where a Jam instance reads the time: issuing and checking tokens, session activity, OTP steps and lockouts,
 * and expiry in koa-jam's in-memory store all go through it. Tests pass a controllable one
 * (`koa-jam/testing`) instead of faking the process's timers. Expiry inside Redis or SQLite stays the
 * backend's own (real) time.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, like `Date.now()`. */
  now(): number;
}

/** The process's clock. */
export const systemClock: Clock = { now: () => Date.now() };
