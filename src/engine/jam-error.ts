/**
 * Every code koa-jam throws, with its HTTP status (what the Koa edge answers) and when it is thrown. The one
 * table: a status is read from here, never re-derived from a code elsewhere; docs/errors.md shows it.
 */
export const JAM_ERROR_CODES = {
  ERR_CONFIG: { status: 500, when: 'bad or missing configuration' },
  ERR_JWT_INVALID: {
    status: 401,
    when: 'malformed token, bad signature, wrong algorithm, failed claim check (`err.check` says which)',
  },
  ERR_JWT_EXPIRED: { status: 401, when: '`exp` has passed' },
  ERR_JWT_NOT_BEFORE: { status: 401, when: '`nbf` is in the future' },
  ERR_JWT_REVOKED: { status: 401, when: 'the token was revoked' },
  ERR_SESSION_NOT_FOUND: { status: 401, when: 'no such session' },
  ERR_STORE_UNAVAILABLE: { status: 503, when: 'the session or list store did not answer' },
  ERR_INVALID_ARGUMENT: {
    status: 500,
    when: 'a method was called with a value it cannot take (a payload that is not an object, a bad OTP secret, session data that is not JSON)',
  },
  ERR_OTP_INVALID: { status: 401, when: '`checkOtpCode` / `checkRecoveryCode`: wrong code' },
  ERR_OTP_REPLAYED: {
    status: 401,
    when: '`checkOtpCode`: this step or counter was already used; `checkRecoveryCode`: this recovery code was',
  },
  ERR_OTP_LOCKED: {
    status: 429,
    when: '`checkOtpCode` / `checkRecoveryCode`: too many failed attempts (OTP and recovery codes) for this `sessionKey`',
  },
  ERR_BAD_REQUEST: { status: 400, when: 'a koa-jam route got a body it cannot read (not JSON, too large)' },
  ERR_PASSKEY_INVALID: {
    status: 401,
    when: 'a passkey answer that does not verify (signature, origin, RP id, user verification, unknown credential)',
  },
  ERR_PASSKEY_CHALLENGE: {
    status: 401,
    when: 'a passkey answer whose challenge is unknown, expired, already used, or issued for another ceremony or user',
  },
  ERR_PASSKEY_COUNTER: {
    status: 401,
    when: 'a passkey whose signature counter did not move forward (possibly cloned); `err.detail` has the facts',
  },
  ERR_OAUTH2: {
    status: 401,
    when: 'a sign-in with an identity provider failed: state, transaction cookie, provider error, code exchange or ID token ([oauth2](oauth2.md))',
  },
  ERR_PROVIDER_UNAVAILABLE: {
    status: 503,
    when: 'the identity provider is unreachable, too slow or answered 5xx (a sign-in, or `jwt.jwks` before any key was fetched)',
  },
  ERR_FORBIDDEN: {
    status: 403,
    when: '`requirePermission`: the payload lacks a required permission (on `ctx.state.authError` for logs, `detail.permissions` names them; the client gets a generic 403)',
  },
} as const satisfies Record<string, { status: number; when: string }>;

/**
 * Stable error codes: match on `err.code`, never on the message.
 * @useDeclaredType
 */
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

/** Why a login with an identity provider was refused, on `err.detail.reason` of ERR_OAUTH2 (for logs). */
export type OAuth2Refusal =
  | 'no-state' // the callback has no state
  | 'no-cookie' // the browser has no (well-formed) transaction cookie
  | 'unknown' // no transaction for this browser and state: wrong, forged, expired or spent
  | 'replayed' // a racing copy of the callback took it first
  | 'wrong-provider' // started at another provider (mix-up)
  | 'denied' // the provider answered error=… (access_denied, invalid_request, …)
  | 'exchange' // the code did not exchange, or the response or ID token did not validate
  | 'no-subject'; // the profile has no id

/**
 * What a JamError carries besides its code and message.
 * @inline
 */
export interface JamErrorOptions {
  cause?: unknown;
  /** JWT errors only: which check failed. */
  check?: JwtCheck;
  /** Structured facts for logs and monitoring (ids, counters), never secrets. */
  detail?: Record<string, unknown>;
}

/** @inline */
type OtpRefusalCode = 'ERR_OTP_INVALID' | 'ERR_OTP_REPLAYED' | 'ERR_OTP_LOCKED';
/** @inline */
type PasskeyRefusalCode = 'ERR_PASSKEY_INVALID' | 'ERR_PASSKEY_CHALLENGE' | 'ERR_PASSKEY_COUNTER';

/**
 * The one error koa-jam throws. `code` is the contract; `status` is the HTTP status the Koa edge answers
 * with; `check` says which JWT check failed, `detail` carries other facts. Messages never contain a token, a
 * session id or a key, and are one line of printable ASCII. Library code makes them with the static
 * constructors below, one per code (or family of codes).
 */
export class JamError extends Error {
  /** Always `JamError`, also across copies of koa-jam (see {@link isJamError}). */
  override readonly name = 'JamError';
  /** What went wrong: stable across versions, unlike the message. */
  readonly code: JamErrorCode;
  /** The HTTP status the Koa edge answers with for this code. */
  readonly status: number;
  // Declared, not initialised: errors without them have no such property at all.
  /** JWT failures: which check failed (see {@link JwtCheck}); for logs and tests, never for clients. */
  declare readonly check?: JwtCheck;
  /** Structured facts for logs and monitoring (ids, counters), never secrets; absent for most codes. */
  declare readonly detail?: Readonly<Record<string, unknown>>;

  constructor(code: JamErrorCode, message: string, options: JamErrorOptions = {}) {
    super(printable(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = JAM_ERROR_CODES[code].status;
    if (options.check !== undefined) this.check = options.check;
    if (options.detail !== undefined) this.detail = Object.freeze({ ...options.detail });
  }

  /** ERR_CONFIG: a bad or missing option, with a message the user can act on. */
  static config(message: string, cause?: unknown): JamError {
    return new JamError('ERR_CONFIG', message, { cause });
  }

  /** ERR_INVALID_ARGUMENT: the application called a method with a value it cannot take. */
  static invalidArgument(message: string, cause?: unknown): JamError {
    return new JamError('ERR_INVALID_ARGUMENT', message, { cause });
  }

  /** A koa-jam route (OAuth2 callback, passkey ceremony) got a request body it cannot read. */
  static badRequest(reason: string, cause?: unknown): JamError {
    return new JamError('ERR_BAD_REQUEST', reason, { cause });
  }

  /** ERR_JWT_INVALID, with the check that failed. */
  static jwtInvalid(reason: string, { check, cause }: { check: JwtCheck; cause?: unknown }): JamError {
    return new JamError('ERR_JWT_INVALID', `invalid token: ${reason}`, { check, cause });
  }

  /** ERR_JWT_EXPIRED (`check: 'exp'`). */
  static jwtExpired(cause?: unknown): JamError {
    return new JamError('ERR_JWT_EXPIRED', 'token has expired', { check: 'exp', cause });
  }

  /** ERR_JWT_NOT_BEFORE (`check: 'nbf'`). */
  static jwtNotBefore(cause?: unknown): JamError {
    return new JamError('ERR_JWT_NOT_BEFORE', 'token is not valid yet', { check: 'nbf', cause });
  }

  /** ERR_JWT_REVOKED (`check: 'list'`). */
  static jwtRevoked(reason = 'token has been revoked'): JamError {
    return new JamError('ERR_JWT_REVOKED', reason, { check: 'list' });
  }

  /** ERR_SESSION_NOT_FOUND. */
  static sessionNotFound(message = 'no such session'): JamError {
    return new JamError('ERR_SESSION_NOT_FOUND', message);
  }

  /**
   * ERR_STORE_UNAVAILABLE: a store call failed or did not answer in time.
   * @param store which store (e.g. `session store`)
   * @param operation read, write, delete...
   */
  static storeUnavailable(store: string, operation: string, reason: string, cause?: unknown): JamError {
    return new JamError('ERR_STORE_UNAVAILABLE', `${store} ${operation} failed: ${reason}`, { cause });
  }

  /** ERR_OTP_INVALID, ERR_OTP_REPLAYED or ERR_OTP_LOCKED: returned in an OtpCheck rather than thrown. */
  static otpRefused(code: OtpRefusalCode, reason: string): JamError {
    return new JamError(code, `OTP refused: ${reason}`);
  }

  /** A passkey ceremony refused; `detail` defaults to `{ ceremony }`. */
  static passkeyRefused(
    code: PasskeyRefusalCode,
    ceremony: string,
    reason: string,
    { cause, detail }: { cause?: unknown; detail?: Record<string, unknown> } = {},
  ): JamError {
    return new JamError(code, `passkey ${ceremony} refused: ${reason}`, {
      cause,
      detail: detail ?? { ceremony },
    });
  }

  /** A sign-in with an identity provider failed (401). */
  static oauth2Refused(
    reason: OAuth2Refusal,
    message: string,
    { provider, error, cause }: { provider?: string; error?: string; cause?: unknown } = {},
  ): JamError {
    return new JamError('ERR_OAUTH2', `login refused: ${message}`, {
      cause,
      detail: { reason, ...(provider !== undefined && { provider }), ...(error !== undefined && { error }) },
    });
  }

  /** `requirePermission` refused a payload: kept on ctx.state.authError, never sent to the client. */
  static forbidden(permissions: readonly string[]): JamError {
    return new JamError('ERR_FORBIDDEN', `missing permission ${permissions.join(' and ')}`, {
      detail: { permissions },
    });
  }

  /** The identity provider is down, unreachable, too slow or answering 5xx (503). */
  static providerUnavailable(provider: string, cause?: unknown): JamError {
    return new JamError('ERR_PROVIDER_UNAVAILABLE', `identity provider ${provider} is unavailable`, {
      cause,
      detail: { provider },
    });
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
