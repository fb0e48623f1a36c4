import { tracingChannel } from 'node:diagnostics_channel';
import { publish } from '../jam-events.js';
import { systemClock } from '../clock.js';

/** What `koa-jam:store` traces carry: the store and the operation, never a key or a value. */
export interface StoreCallContext {
  /** The config section the store serves: `session`, `jwt.list`, `otp`, `oauth2`, `passkeys`. */
  store: string;
  /** `read`, `write`, `delete` or `claim`. */
  op: string;
}

const storeCalls = tracingChannel<StoreCallContext, StoreCallContext>('koa-jam:store');

/**
 * The events of one store: every call traced on the `koa-jam:store` tracing channel (start, end, asyncStart,
 * asyncEnd, error), `store.unavailable` when a call fails while the store was up, and `store.recovered` on
 * the first call that succeeds after that. The state is kept whether or not anyone subscribes.
 */
export class StoreEvents {
  readonly #store: string;
  readonly #canFail: boolean;
  /** When the current outage began (ms), 0 while the store is up. */
  #downSince = 0;

  /** @param canFail false for koa-jam's in-process store, which has no outages to watch. */
  constructor(store: string, canFail: boolean) {
    this.#store = store;
    this.#canFail = canFail;
  }

  run<T>(op: string, call: () => Promise<T>): Promise<T> {
    // Nothing to trace or watch: the call itself, without the promise a wrapper would add.
    return this.#canFail || storeCalls.hasSubscribers ? this.#watched(op, call) : call();
  }

  async #watched<T>(op: string, call: () => Promise<T>): Promise<T> {
    try {
      const result = storeCalls.hasSubscribers ? await this.#traced(op, call) : await call();
      if (this.#downSince !== 0) this.#recovered(op);
      return result;
    } catch (err) {
      if (this.#downSince === 0) this.#failed(op, err);
      throw err;
    }
  }

  /** The trace's context never receives the call's result (it may be a session's data). */
  async #traced<T>(op: string, call: () => Promise<T>): Promise<T> {
    let result: T | undefined;
    await storeCalls.tracePromise(async () => void (result = await call()), { store: this.#store, op });
    return result as T;
  }

  #failed(op: string, err: unknown): void {
    this.#downSince = systemClock.now();
    publish('store.unavailable', () => ({
      store: this.#store,
      op,
      error: (err as Error)?.message ?? 'error',
    }));
  }

  #recovered(op: string): void {
    const downMs = systemClock.now() - this.#downSince;
    this.#downSince = 0;
    publish('store.recovered', () => ({ store: this.#store, op, downMs }));
  }
}
