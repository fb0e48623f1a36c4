import { checkBoolean, checkPositiveNumber, checkSection } from '../../shared/option-checks.js';
import type { StoreOption } from '../store/open-store.js';
import { JamError } from '../jam-error.js';

/** The `session` section of the Jam config. */
export interface SessionOptions {
  /** A Keyv instance, or a URL: `redis://…` (needs @keyv/redis), `sqlite://path` (needs @keyv/sqlite). Default: in memory. */
  store?: StoreOption;
  /** Session lifetime in seconds. Default 3600. */
  ttl?: number;
  /** Each read moves the expiry forward (written at most once per tenth of the ttl). Default false. */
  rolling?: boolean;
  /** 32 bytes (base64, base64url or hex string, or a Buffer) that seal the ids handed to clients. */
  encryptionKey?: string | Buffer;
  /** A store call that fails or takes longer than this many milliseconds counts as an outage. Default 1000. */
  storeTimeout?: number;
}

export interface ResolvedSessionOptions {
  store?: StoreOption;
  ttlMs: number;
  rolling: boolean;
  encryptionKey?: Buffer;
  storeTimeoutMs: number;
}

const KNOWN = ['store', 'ttl', 'rolling', 'encryptionKey', 'storeTimeout'] as const;
const DEFAULTS = { ttl: 3600, rolling: false, storeTimeout: 1000 } as const;
const KEY_BYTES = 32;

export function resolveSessionOptions(
  input: SessionOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedSessionOptions {
  checkSection('session', input, KNOWN);
  const options = { ...DEFAULTS, ...input };
  const key = options.encryptionKey ?? env.JAM_SESSION_ENCRYPTION_KEY;
  return {
    store: options.store,
    ttlMs: Math.ceil(checkPositiveNumber('session.ttl', options.ttl) * 1000),
    rolling: checkBoolean('session.rolling', options.rolling),
    encryptionKey: key === undefined || key === '' ? undefined : parseEncryptionKey(key),
    storeTimeoutMs: checkPositiveNumber('session.storeTimeout', options.storeTimeout),
  };
}

const GENERATE = `generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`;

/** 32 bytes as hex (64 digits), base64 or base64url; anything else is ERR_CONFIG (the value is never echoed). */
function parseEncryptionKey(value: unknown): Buffer {
  let bytes: Buffer | undefined;
  if (Buffer.isBuffer(value)) bytes = value;
  else if (typeof value === 'string') {
    if (/^[0-9a-f]{64}$/i.test(value)) bytes = Buffer.from(value, 'hex');
    else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) bytes = Buffer.from(value, 'base64');
  }
  if (bytes?.length !== KEY_BYTES) {
    throw JamError.config(
      `session.encryptionKey (or JAM_SESSION_ENCRYPTION_KEY) must be ${KEY_BYTES} bytes given as hex, base64 or base64url; ${GENERATE}`,
    );
  }
  return Buffer.from(bytes);
}
