import { setTimeout as sleep } from 'node:timers/promises';

/** Retries `call` until it resolves, e.g. while a Redis client reconnects (back-off of at most 2 s); then rethrows. */
export async function eventually<T>(call: () => Promise<T>, withinMs = 8000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}
