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
  | 'ERR_OTP_INVALID'
  | 'ERR_OTP_REPLAYED'
  | 'ERR_OTP_LOCKED';

const STATUS: Record<JamErrorCode, number> = {
  ERR_CONFIG: 500,
  ERR_JWT_INVALID: 401,
  ERR_JWT_EXPIRED: 401,
  ERR_JWT_NOT_BEFORE: 401,
  ERR_JWT_REVOKED: 401,
  ERR_SESSION_NOT_FOUND: 401,
  ERR_STORE_UNAVAILABLE: 503,
  ERR_INVALID_ARGUMENT: 500,
  ERR_OTP_INVALID: 401,
  ERR_OTP_REPLAYED: 401,
  ERR_OTP_LOCKED: 429,
};

/**
 * The one error koa-jam throws. `code` is the contract; `status` is the HTTP status the Koa edge
 * answers with. Messages never contain a token, a session id or a key.
 */
export class JamError extends Error {
  /** Always `JamError`, also across copies of koa-jam (see {@link isJamError}). */
  override readonly name = 'JamError';
  /** What went wrong: stable across versions, unlike the message. */
  readonly code: JamErrorCode;
  /** The HTTP status the Koa edge answers with for this code. */
  readonly status: number;

  constructor(code: JamErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status = STATUS[code];
  }
}

/** Type guard that also works across copies of koa-jam in one process. */
export function isJamError(err: unknown, code?: JamErrorCode): err is JamError {
  return (
    err instanceof Error && err.name === 'JamError' && (code === undefined || (err as JamError).code === code)
  );
}
