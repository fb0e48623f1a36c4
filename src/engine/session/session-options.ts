import { checkBoolean, checkPositiveNumber } from '../../shared/option-checks.js';
import { resolveSection, type OptionsSchema } from '../../shared/options-schema.js';
import { checkStoreOption, type StoreOption } from '../store/open-store.js';
import { JamError } from '../jam-error.js';

/** The `session` section of the Jam config; defaults and details: docs/sessions.md, from `SESSION_OPTIONS`. */
export interface SessionOptions {
  /** A Keyv instance, or a URL: `redis://…` (needs @keyv/redis), `sqlite://path` (needs @keyv/sqlite). */
  store?: StoreOption;
  /** Session lifetime in seconds. */
  ttl?: number;
  /** Each read moves the expiry forward (written at most once per tenth of the ttl). */
  rolling?: boolean;
  /** 32 bytes (base64, base64url or hex string, or a Buffer) that seal the ids handed to clients. */
  encryptionKey?: string | Buffer;
  /** A store call that fails or takes longer than this many milliseconds counts as an outage. */
  storeTimeout?: number;
  /** Live sessions one session key may have; creating one more ends the oldest. */
  maxPerKey?: number;
}

export interface ResolvedSessionOptions {
  store?: StoreOption;
  ttlMs: number;
  rolling: boolean;
  encryptionKey?: Buffer;
  storeTimeoutMs: number;
  maxPerKey: number;
}

const KEY_BYTES = 32;
const MAX_PER_KEY = 10_000;

/** The `session` options, declared once (docs/sessions.md shows them). */
export const SESSION_OPTIONS = {
  store: {
    doc: 'a `Keyv` instance, or a URL: `redis://…` / `rediss://…` (needs `npm install @keyv/redis`), `sqlite://path` (needs `npm install @keyv/sqlite`). A URL whose adapter is missing fails at construction.',
    defaultDoc: 'in memory',
    check: checkStoreOption,
  },
  ttl: { doc: 'session lifetime in seconds.', default: 3600, check: checkPositiveNumber },
  rolling: {
    doc: 'each authenticated request moves the expiry forward; the record is re-written at most once per tenth of the ttl, and `jamSession` re-sends the cookie.',
    default: false,
    check: checkBoolean,
  },
  encryptionKey: {
    doc: '32 bytes as hex, base64 or base64url (or a Buffer): the ids handed to clients are sealed (below). Anything else is `ERR_CONFIG`.',
    defaultDoc: 'env `JAM_SESSION_ENCRYPTION_KEY`',
    check: (_path: string, value: unknown) => value as string | Buffer, // parsed below, with the environment's
  },
  storeTimeout: {
    doc: 'milliseconds; a store call that fails or does not answer within it counts as an outage (`ERR_STORE_UNAVAILABLE`).',
    default: 1000,
    check: checkPositiveNumber,
  },
  maxPerKey: {
    doc: `live sessions one session key may have, 1 to ${MAX_PER_KEY}: creating one more ends the oldest (\`session.ended\`, reason \`limit\`). It bounds what one user's logins cost: each create and list reads and writes the key's whole index.`,
    default: 100,
    check: checkMaxPerKey,
  },
} as const satisfies OptionsSchema;

export function resolveSessionOptions(
  input: SessionOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedSessionOptions {
  const options = resolveSection('session', SESSION_OPTIONS, input);
  const key = options.encryptionKey ?? env.JAM_SESSION_ENCRYPTION_KEY;
  return {
    store: options.store,
    ttlMs: Math.ceil(options.ttl * 1000),
    rolling: options.rolling,
    encryptionKey: key === undefined || key === '' ? undefined : parseEncryptionKey(key),
    storeTimeoutMs: options.storeTimeout,
    maxPerKey: options.maxPerKey,
  };
}

function checkMaxPerKey(path: string, value: unknown): number {
  const count = checkPositiveNumber(path, value, { integer: true });
  if (count > MAX_PER_KEY) throw JamError.config(`${path} must be at most ${MAX_PER_KEY}, got ${count}`);
  return count;
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
