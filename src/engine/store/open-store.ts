import Keyv from 'keyv';
import type { Clock } from '../clock.js';
import { checkPositiveNumber } from '../../shared/option-checks.js';
import { requireOptional } from '../config/require-optional.js';
import { JamStore } from './jam-store.js';
import { evictionProblem } from './redis-eviction.js';
import { MemoryStore } from './memory-store.js';
import { JamError } from '../jam-error.js';

/**
 * A Keyv instance, or a URL: `redis://…` / `rediss://…` (needs @keyv/redis), a Redis Cluster as
 * `redis+cluster://host:port,host:port` (any reachable nodes; the rest are discovered), `sqlite://path`
 * (needs @keyv/sqlite).
 * @inline
 */
export type StoreOption = Keyv | string;

export interface OpenStoreOptions {
  /** Config path of the option, for error messages (`session.store`). */
  path: string;
  purpose: string;
  prefix: string;
  timeoutMs: number;
  /** The instance's clock: expiry in the in-memory store follows it. */
  clock: Clock;
}

/**
 * How the stores koa-jam opens encode values. It only stores JSON data, and Keyv's default serializer,
 * which also revives Buffers through a JSON.parse reviver, makes each read that finds a value about 5 µs
 * slower than plain JSON.parse: a share of every session request (measured with `npm run bench`).
 */
const JSON_VALUES = { serialize: JSON.stringify, deserialize: JSON.parse };

const STORE_SCHEMES = ['redis', 'rediss', 'redis+cluster', 'rediss+cluster', 'sqlite'];

/** Checks a `store` option without opening it: a Keyv instance, or a URL of a supported scheme. */
export function checkStoreOption(path: string, option: unknown): StoreOption {
  if (option instanceof Keyv) return option;
  if (typeof option !== 'string') throw JamError.config(`${path} must be a Keyv instance or a URL string`);
  const scheme = schemeOf(option);
  if (scheme === undefined || !STORE_SCHEMES.includes(scheme)) {
    throw JamError.config(
      `${path}: unsupported store URL scheme ${scheme ?? '(none)'}; use redis://, rediss://, redis+cluster:// or sqlite://`,
    );
  }
  return option;
}

/**
 * Opens the store a (checked) `store` option names; absent means in memory. Called by the service that owns
 * the store, once, when it is built: resolving options never opens anything.
 */
export function openStore(option: StoreOption | undefined, options: OpenStoreOptions): JamStore {
  const timeoutMs = checkPositiveNumber(`${options.path} timeout`, options.timeoutMs);
  const common = {
    name: options.path.replace(/\.store$/, ''),
    purpose: options.purpose,
    prefix: options.prefix,
    timeoutMs,
  };
  if (option === undefined)
    return new JamStore(new Keyv({ store: new MemoryStore(options.clock), ...JSON_VALUES }), {
      ...common,
      owned: true,
    });
  const checked = checkStoreOption(options.path, option);
  if (checked instanceof Keyv) return new JamStore(checked, { ...common, owned: false });
  const keyv =
    schemeOf(checked) === 'sqlite'
      ? openSqlite(checked, timeoutMs, options.path)
      : openRedis(checked, timeoutMs, options.path);
  return new JamStore(keyv, { ...common, owned: true });
}

function schemeOf(url: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
}

function openRedis(url: string, timeoutMs: number, path: string): Keyv {
  const redis = requireOptional<RedisModule>('@keyv/redis', path);
  const rootNodes = clusterNodes(url, path);
  const store = rootNodes ? openCluster(redis, rootNodes, timeoutMs) : openClient(redis, url, timeoutMs);
  return new Keyv({ store, useKeyPrefix: false, throwOnErrors: true, ...JSON_VALUES });
}

type RedisModule = typeof import('@keyv/redis');
const CLOSED = 'the store has been closed';
type KeyvRedis = InstanceType<RedisModule['default']>;

function openClient(redis: RedisModule, url: string, timeoutMs: number): KeyvRedis {
  let closed = false;
  const client = redis.createClient({
    url,
    // Without this, commands queue while Redis is down and a request waits until it returns.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: timeoutMs,
      // Once closed, a connection attempt that fails is not retried.
      reconnectStrategy: (attempt: number) => !closed && Math.min(100 * 2 ** attempt, 2000),
    },
  });
  client.on('error', () => {}); // outages surface as rejected calls; reconnection is automatic
  // Whether a connection attempt is under way: node-redis ends the client on destroy(), but an attempt already
  // under way still completes, leaving a socket open that nothing closes (the process would never exit).
  let attempting = true;
  client.on('reconnecting', () => (attempting = true));
  client.on('error', () => (attempting = false));
  // Checked on every connection; a Redis that may evict koa-jam's keys fails every call (fail closed).
  let evicting: string | undefined;
  let checked = Promise.resolve();
  client.on('ready', () => {
    attempting = false;
    if (closed) client.destroy();
    else checked = evictionProblem(client).then((problem) => void (evicting = problem));
  });
  const connected = client
    .connect()
    .then(() => checked)
    .catch(() => undefined);
  const store = new redis.default(client, { throwOnConnectError: true, throwOnErrors: true });
  const disconnect = waitForConnection(store, connected, () => (closed ? CLOSED : evicting));
  store.disconnect = async (force?: boolean) => {
    if (closed) return;
    closed = true;
    if (client.isReady) return disconnect(force);
    // Between attempts: ends the retry loop. During one: it ends by itself, refused by reconnectStrategy
    // or destroyed on 'ready' (bounded by connectTimeout); the first connection is awaited.
    if (!attempting) client.destroy();
    else await connected;
  };
  return store;
}

function openCluster(redis: RedisModule, rootNodes: { url: string }[], timeoutMs: number): KeyvRedis {
  let closed = false;
  const client = redis.createCluster({
    rootNodes,
    defaults: {
      // As for one Redis: a call while a node is down fails (bounded by JamStore) instead of queueing.
      disableOfflineQueue: true,
      socket: {
        connectTimeout: timeoutMs,
        reconnectStrategy: (attempt: number) => !closed && Math.min(100 * 2 ** attempt, 2000),
      },
    },
  });
  client.on('error', () => {}); // outages surface as rejected calls; reconnection is automatic
  const connected = client.connect().catch(() => undefined);
  const store = new redis.default(client, { throwOnConnectError: true, throwOnErrors: true });
  waitForConnection(store, connected, () => (closed ? CLOSED : undefined));
  store.disconnect = async () => {
    if (closed) return;
    closed = true;
    // A cluster destroyed while it discovers its nodes would go on to connect them: let that finish first.
    await connected;
    if (client.isOpen) client.destroy();
  };
  return store;
}

/**
 * KeyvRedis connects on first use, and calls made while that first connection is under way would find the
 * client not ready and fail (no offline queue): calls wait for the connection started at construction, bounded
 * by JamStore. A closed store stays closed (KeyvRedis would silently reconnect, keeping the process alive),
 * and so does one `refusal` names (it says why). Answers the adapter's own disconnect.
 */
function waitForConnection(store: KeyvRedis, connected: Promise<unknown>, refusal: () => string | undefined) {
  const getClient = store.getClient.bind(store);
  store.getClient = async () => {
    await connected;
    // Checked after the wait too, for calls made before a first connection that close() ended.
    const refused = refusal();
    if (refused !== undefined) throw new Error(refused);
    return getClient();
  };
  return store.disconnect.bind(store);
}

/** `redis+cluster://[auth@]host:port,host:port[/…]`: one `redis://` URL per root node; undefined for plain Redis. */
function clusterNodes(url: string, path: string): { url: string }[] | undefined {
  if (!/^rediss?\+cluster:/i.test(url)) return undefined;
  const parts = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/?#]+)(.*)$/i.exec(url);
  if (parts === null)
    throw JamError.config(`${path}: write a cluster as redis+cluster://host:port,host:port`);
  const [, scheme, auth, hosts, rest] = parts;
  return hosts.split(',').map((host) => ({
    url: `${scheme.toLowerCase()}://${auth === undefined ? '' : `${auth}@`}${host.trim()}${rest}`,
  }));
}

function openSqlite(url: string, timeoutMs: number, path: string): Keyv {
  const { default: KeyvSqlite } = requireOptional<{
    default: new (options: { uri: string; busyTimeout: number }) => Keyv['store'];
  }>('@keyv/sqlite', path);
  // Processes sharing the file take turns writing: a write waits for the lock (within the store timeout)
  // instead of failing at once with SQLITE_BUSY.
  const store = new KeyvSqlite({ uri: url, busyTimeout: timeoutMs });
  return new Keyv({ store, throwOnErrors: true, ...JSON_VALUES });
}
