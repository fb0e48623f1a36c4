import type Keyv from 'keyv';
import { JamError } from '../jam-error.js';
import { MemoryStore } from './memory-store.js';
import { redisAdapter, type RedisAdapter } from './shared-entries.js';
import { StoreEvents } from './store-events.js';

/** What BoundedCalls needs to know of its store. */
export interface BoundedCallsOptions {
  /** The config section the store serves (`session`, `jwt.list`, `otp`), named in events. */
  name: string;
  /** What the store is for, named in error messages ("session store", "revocation list store"). */
  purpose: string;
  /** A call that fails or does not answer within this many milliseconds counts as an outage. */
  timeoutMs: number;
}

/**
 * Every call of one store passes here: bounded in time, held until a handed-in Redis client has connected,
 * traced and watched for outages (store-events.ts), and any failure turned into ERR_STORE_UNAVAILABLE. Keyv
 * answers `undefined` and emits `error` when its backend is down, which would read as "no session" or "not
 * revoked": the Keyv and a Redis adapter beneath it are made to throw instead.
 */
export class BoundedCalls {
  readonly #options: BoundedCallsOptions;
  readonly #inProcess: boolean;
  readonly #redis?: RedisAdapter;
  readonly #events: StoreEvents;
  /** undefined: not tried yet; null: connected once (node-redis reconnects by itself from then on). */
  #firstConnection: Promise<unknown> | undefined | null;

  constructor(keyv: Keyv, options: BoundedCallsOptions) {
    this.#options = options;
    this.#inProcess = keyv.store instanceof MemoryStore;
    this.#redis = redisAdapter(keyv.store);
    if (this.#redis) failClosed(this.#redis);
    this.#events = new StoreEvents(options.name, !this.#inProcess);
    keyv.throwOnErrors = true;
    // Errors surface as rejected calls; without a listener an `error` event would crash the process.
    keyv.on('error', () => {});
  }

  run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    return this.#events.run(operation, () => this.#timed(operation, call));
  }

  async #timed<T>(operation: string, call: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      // koa-jam's in-process store answers at once; a timer per call would only cost time (~2 µs a request).
      if (this.#inProcess) return await call();
      const connecting = this.#connecting();
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              JamError.storeUnavailable(
                this.#options.purpose,
                operation,
                `no answer within ${this.#options.timeoutMs} ms`,
              ),
            ),
          this.#options.timeoutMs,
        );
      });
      return await Promise.race([connecting ? connecting.then(call) : call(), timeout]);
    } catch (err) {
      throw err instanceof JamError
        ? err
        : JamError.storeUnavailable(
            this.#options.purpose,
            operation,
            (err as Error)?.message ?? 'error',
            err,
          );
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A Redis client handed in unconnected: @keyv/redis would start connecting on the first call, and calls made
   * meanwhile would fail. All calls wait for that one first connection instead (bounded by the timeout).
   */
  #connecting(): Promise<unknown> | undefined {
    const redis = this.#redis;
    if (redis === undefined || this.#firstConnection === null) return undefined;
    this.#firstConnection ??= redis.getClient().then(
      () => void (this.#firstConnection = null),
      (err) => {
        this.#firstConnection = undefined; // the next call tries again
        throw err;
      },
    );
    return this.#firstConnection;
  }
}

/**
 * @keyv/redis answers "absent" or "done" when a command fails (`throwOnErrors: false` is its default), so a
 * cluster that is down would read as "no session", "not revoked", "not locked". Whoever built the adapter,
 * koa-jam needs the error: both switches are turned on, for the stores it opens and for a Keyv handed in.
 */
function failClosed(redis: RedisAdapter): void {
  redis.throwOnErrors = true;
  redis.throwOnConnectError = true;
}
