import Keyv from 'keyv';
import { checkPositiveNumber, configError } from '../config/option-checks.js';
import { JamStore } from './jam-store.js';

/** A Keyv instance, or a URL: `redis://…` / `rediss://…` (needs @keyv/redis), `sqlite://path` (needs @keyv/sqlite). */
export type StoreOption = Keyv | string;

export interface OpenStoreOptions {
  /** Config path of the option, for error messages (`session.store`). */
  path: string;
  purpose: string;
  prefix: string;
  timeoutMs: number;
}

/** Opens the store a config option names; runs once, at construction. Absent means in-memory. */
export function openStore(option: StoreOption | undefined, options: OpenStoreOptions): JamStore {
  const timeoutMs = checkPositiveNumber(`${options.path} timeout`, options.timeoutMs);
  const common = { purpose: options.purpose, prefix: options.prefix, timeoutMs };
  if (option === undefined) return new JamStore(new Keyv(), { ...common, owned: true });
  if (option instanceof Keyv) return new JamStore(option, { ...common, owned: false });
  if (typeof option !== 'string')
    throw configError(`${options.path} must be a Keyv instance or a URL string`);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(option)?.[1]?.toLowerCase();
  if (scheme === 'redis' || scheme === 'rediss')
    return new JamStore(openRedis(option, timeoutMs, options.path), { ...common, owned: true });
  if (scheme === 'sqlite') return new JamStore(openSqlite(option, options.path), { ...common, owned: true });
  throw configError(
    `${options.path}: unsupported store URL scheme ${scheme ?? '(none)'}; use redis://, rediss:// or sqlite://`,
  );
}

function openRedis(url: string, timeoutMs: number, path: string): Keyv {
  const { default: KeyvRedis, createClient } = requireAdapter<typeof import('@keyv/redis')>(
    '@keyv/redis',
    path,
  );
  const client = createClient({
    url,
    // Without this, commands queue while Redis is down and a request waits until it returns.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: timeoutMs,
      reconnectStrategy: (attempt: number) => Math.min(100 * 2 ** attempt, 2000),
    },
  });
  client.on('error', () => {}); // outages surface as rejected calls; reconnection is automatic
  // Connects now, and the first calls wait for it (each within the store timeout): without the offline
  // queue, a command sent while the first connection is still being made would fail as an outage.
  const connected = client.connect().then(
    () => undefined,
    () => undefined,
  );
  let closed = false;
  class ConnectedKeyvRedis extends KeyvRedis<string> {
    override async getClient() {
      // KeyvRedis would silently reconnect a closed client, and the connection would keep the process alive.
      if (closed) throw new Error('the store has been closed');
      await connected;
      return super.getClient();
    }
    override async disconnect() {
      closed = true;
      // Also ends a first connection still being retried (close() alone would leave it running).
      if (!client.isReady) client.destroy();
      else await super.disconnect();
    }
  }
  const store = new ConnectedKeyvRedis(client, { throwOnConnectError: true, throwOnErrors: true });
  return new Keyv({ store, useKeyPrefix: false, throwOnErrors: true });
}

function openSqlite(url: string, path: string): Keyv {
  const { default: KeyvSqlite } = requireAdapter<{ default: new (uri: string) => Keyv['store'] }>(
    '@keyv/sqlite',
    path,
  );
  return new Keyv({ store: new KeyvSqlite(url), throwOnErrors: true });
}

function requireAdapter<T>(name: string, path: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional peer, loaded only when its URL is used
    return require(name) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    throw configError(`${path} uses ${name}, which is not installed; run: npm install ${name}`, err);
  }
}
