/** Stable error codes: match on `err.code`, never on the message. */
export type JamErrorCode =
  | 'ERR_CONFIG'
  | 'ERR_JWT_INVALID'
  | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_NOT_BEFORE'
  | 'ERR_JWT_REVOKED'
  | 'ERR_SESSION_NOT_FOUND'
  | 'ERR_STORE_UNAVAILABLE'
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_BAD_REQUEST'
  | 'ERR_OTP_INVALID'
  | 'ERR_OTP_REPLAYED'
  | 'ERR_OTP_LOCKED'
  | 'ERR_OAUTH2'
  | 'ERR_PROVIDER_UNAVAILABLE'
  | 'ERR_PASSKEY_INVALID'
  | 'ERR_PASSKEY_CHALLENGE'
  | 'ERR_PASSKEY_COUNTER'
  | 'ERR_FORBIDDEN';

const STATUS: Record<JamErrorCode, number> = {
  ERR_CONFIG: 500,
  ERR_JWT_INVALID: 401,
  ERR_JWT_EXPIRED: 401,
  ERR_JWT_NOT_BEFORE: 401,
  ERR_JWT_REVOKED: 401,
  ERR_SESSION_NOT_FOUND: 401,
  ERR_STORE_UNAVAILABLE: 503,
  ERR_INVALID_ARGUMENT: 500,
  ERR_BAD_REQUEST: 400,
  ERR_OTP_INVALID: 401,
  ERR_OTP_REPLAYED: 401,
  ERR_OTP_LOCKED: 429,
  ERR_OAUTH2: 401,
  ERR_PROVIDER_UNAVAILABLE: 503,
  ERR_PASSKEY_INVALID: 401,
  ERR_PASSKEY_CHALLENGE: 401,
  ERR_PASSKEY_COUNTER: 401,
  ERR_FORBIDDEN: 403,
};

/**
 * The one error koa-jam throws. `code` is the contract; `status` is the HTTP status the Koa edge
 * answers with. Messages never contain a token, a session id or a key, and are one line of printable ASCII.
 */
export class JamError extends Error {
  override readonly name = 'JamError';
  readonly code: JamErrorCode;
  readonly status: number;
  /** Structured facts for logs and monitoring (ids, counters), never secrets; absent for most codes. */
  readonly detail?: Readonly<Record<string, unknown>>;

  constructor(
    code: JamErrorCode,
    message: string,
    options?: { cause?: unknown; detail?: Record<string, unknown> },
  ) {
    super(printable(message), options);
    this.code = code;
    this.status = STATUS[code];
    if (options?.detail !== undefined) this.detail = Object.freeze({ ...options.detail });
  }
}

/** Messages end up in logs: anything but printable ASCII (newlines, ESC, bidi controls) is escaped as \uXXXX. */
function printable(message: string): string {
  return message.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Type guard that also works across copies of koa-jam in one process. */
export function isJamError(err: unknown, code?: JamErrorCode): err is JamError {
  return (
    err instanceof Error && err.name === 'JamError' && (code === undefined || (err as JamError).code === code)
  );
}
