/**
 * Every code koa-jam throws, its HTTP status (what the Koa edge answers) and what it means. The one table:
 * the status of an error is read from here, never re-derived from its code elsewhere.
 */
export const JAM_ERROR_CODES = {
  ERR_CONFIG: {
    status: 500,
    meaning: 'the config or a factory option is wrong, or a feature is not configured',
  },
  ERR_INVALID_ARGUMENT: { status: 500, meaning: 'the app passed a bad argument to a method (its own bug)' },
  ERR_JWT_INVALID: { status: 401, meaning: 'the token failed a check; `check` names which' },
  ERR_JWT_EXPIRED: { status: 401, meaning: 'the token is past its `exp` (`check` is `exp`)' },
  ERR_JWT_NOT_BEFORE: { status: 401, meaning: 'the token is before its `nbf` (`check` is `nbf`)' },
  ERR_JWT_REVOKED: { status: 401, meaning: 'the token or its family is revoked (`check` is `list`)' },
  ERR_SESSION_NOT_FOUND: { status: 401, meaning: 'no such session (unknown, expired or ended)' },
  ERR_STORE_UNAVAILABLE: { status: 503, meaning: 'the session, list or OTP store did not answer in time' },
  ERR_OTP_INVALID: { status: 401, meaning: 'wrong one-time code' },
  ERR_OTP_REPLAYED: { status: 401, meaning: 'this one-time code (or a later one) was already used' },
  ERR_OTP_LOCKED: { status: 429, meaning: 'too many failed one-time codes for this sessionKey' },
} as const satisfies Record<string, { status: number; meaning: string }>;

/** Stable error codes: match on `err.code`, never on the message. */
export type JamErrorCode = keyof typeof JAM_ERROR_CODES;

/**
 * Which check a JWT failed, on `err.check` of the JWT errors (for logs and tests; never sent to clients):
 * - `format`: not a compact JWS, too long (`jwt.maxTokenLength`), a payload that is not a JSON object, or a
 *   signature not in canonical base64url;
 * - `alg`: an algorithm other than the key's; `kid`: an unknown or missing key id; `crit`: critical headers;
 * - `signature`: the signature does not verify (or is missing);
 * - `exp`, `nbf`, `iat`, `iss`, `aud`, `jti`, `fam`: that claim is missing, malformed or not acceptable;
 * - `token_use`: a refresh token used as an access token, or the reverse;
 * - `list`: refused by `jwt.list` (revoked, a spent refresh token, or not on the white list).
 */
export type JwtCheck =
  | 'format'
  | 'alg'
  | 'kid'
  | 'crit'
  | 'signature'
  | 'exp'
  | 'nbf'
  | 'iat'
  | 'iss'
  | 'aud'
  | 'jti'
  | 'fam'
  | 'token_use'
  | 'list';

export interface JamErrorOptions {
  cause?: unknown;
  /** JWT errors only: which check failed. */
  check?: JwtCheck;
}

type OtpRefusalCode = 'ERR_OTP_INVALID' | 'ERR_OTP_REPLAYED' | 'ERR_OTP_LOCKED';

/**
 * The one error koa-jam throws. `code` is the contract; `status` is the HTTP status the Koa edge answers
 * with; `check` says which JWT check failed. Messages never contain a token, a session id or a key.
 * Library code makes them with the static constructors below, one per code.
 */
export class JamError extends Error {
  override readonly name = 'JamError';
  readonly code: JamErrorCode;
  readonly status: number;
  // Declared, not initialised: errors of other codes have no `check` property at all.
  declare readonly check?: JwtCheck;

  constructor(code: JamErrorCode, message: string, options: JamErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = JAM_ERROR_CODES[code].status;
    if (options.check !== undefined) this.check = options.check;
  }

  static config(message: string, cause?: unknown): JamError {
    return new JamError('ERR_CONFIG', message, { cause });
  }

  static invalidArgument(message: string, cause?: unknown): JamError {
    return new JamError('ERR_INVALID_ARGUMENT', message, { cause });
  }

  static jwtInvalid(reason: string, { check, cause }: { check: JwtCheck; cause?: unknown }): JamError {
    return new JamError('ERR_JWT_INVALID', `invalid token: ${reason}`, { check, cause });
  }

  static jwtExpired(cause?: unknown): JamError {
    return new JamError('ERR_JWT_EXPIRED', 'token has expired', { check: 'exp', cause });
  }

  static jwtNotBefore(cause?: unknown): JamError {
    return new JamError('ERR_JWT_NOT_BEFORE', 'token is not valid yet', { check: 'nbf', cause });
  }

  static jwtRevoked(reason = 'token has been revoked'): JamError {
    return new JamError('ERR_JWT_REVOKED', reason, { check: 'list' });
  }

  static sessionNotFound(message = 'no such session'): JamError {
    return new JamError('ERR_SESSION_NOT_FOUND', message);
  }

  /** @param store which store (e.g. `session store`); @param operation read, write, delete... */
  static storeUnavailable(store: string, operation: string, reason: string, cause?: unknown): JamError {
    return new JamError('ERR_STORE_UNAVAILABLE', `${store} ${operation} failed: ${reason}`, { cause });
  }

  /** ERR_OTP_INVALID, ERR_OTP_REPLAYED or ERR_OTP_LOCKED: returned in an OtpCheck rather than thrown. */
  static otpRefused(code: OtpRefusalCode, reason: string): JamError {
    return new JamError(code, `OTP refused: ${reason}`);
  }
}

/** Type guard that also works across copies of koa-jam in one process. */
export function isJamError(err: unknown, code?: JamErrorCode): err is JamError {
  return (
    err instanceof Error && err.name === 'JamError' && (code === undefined || (err as JamError).code === code)
  );
}
