import { hash } from 'node:crypto';
import type { Clock } from '../clock.js';
import { publish } from '../jam-events.js';
import { JamError } from '../jam-error.js';
import { OtpAttemptGuard, type OtpCheck } from './otp-attempt-guard.js';
import { hotpCode, matchOtpCode } from './otp-code.js';
import { checkWindow, MAX_OTP_WINDOW, type ResolvedOtpOptions } from './otp-options.js';
import { otpSecretBase32, otpSecretBytes, type OtpSecret } from './otp-secret.js';
import { buildOtpUri, type OtpUriOptions } from './otp-uri.js';
import { matchRecoveryCode } from './recovery-codes.js';
import type { JamStore } from '../store/jam-store.js';
import { openStore } from '../store/open-store.js';

/** Options of `jam.verifyOtpCode` and `jam.checkOtpCode`. */
export interface VerifyOtpOptions {
  /** TOTP: the unix time in seconds (default now). HOTP: the counter the code should be at (required). */
  factor?: number;
  /** Steps accepted around `factor`, instead of the configured `window`. */
  window?: number;
  /**
   * The principal (a user id or name) the code belongs to. With it, an accepted step or counter is never
   * accepted again for this principal, and repeated failures lock it for a while (see the `otp` options).
   */
  sessionKey?: string;
}

/** The outcome of `checkRecoveryCode`: the hash that matched (for the app to remove), or why it was refused. */
export type RecoveryCheck =
  | {
      /** The code was accepted, and is now spent. */
      valid: true;
      /** The stored hash it matched: remove it from the user's list. */
      hash: string;
    }
  | {
      /** The code was refused. */
      valid: false;
      /** Why: `ERR_OTP_INVALID` (wrong), `ERR_OTP_REPLAYED` (already used) or `ERR_OTP_LOCKED`. */
      error: JamError;
    };

/** One-time passwords (RFC 4226 HOTP, RFC 6238 TOTP) for one Jam instance; knows nothing of HTTP. */
export class OtpService {
  readonly #options: ResolvedOtpOptions;
  readonly #guard: OtpAttemptGuard;
  readonly #store: JamStore;
  readonly #codeShape: RegExp;
  readonly #clock: Clock;

  constructor(options: ResolvedOtpOptions, clock: Clock) {
    this.#clock = clock;
    this.#options = options;
    this.#codeShape = new RegExp(`^\\d{${options.digits}}$`);
    this.#store = openStore(options.store, {
      path: 'otp.store',
      purpose: 'OTP store',
      prefix: 'jam:otp:',
      timeoutMs: options.storeTimeout,
      clock,
    });
    this.#guard = new OtpAttemptGuard(this.#store, clock, {
      maxAttempts: options.maxAttempts,
      attemptPeriodMs: options.attemptPeriod * 1000,
      lockoutPeriodMs: options.lockoutPeriod * 1000,
    });
  }

  code(secret: OtpSecret, factor?: number): string {
    const { digits, digest } = this.#options;
    return hotpCode(otpSecretBytes(secret), this.#step(factor, 'getOtpCode'), digits, digest);
  }

  async check(secret: OtpSecret, code: unknown, options: VerifyOtpOptions = {}): Promise<OtpCheck> {
    const { factor, window = this.#options.window, sessionKey } = options ?? {};
    const key = otpSecretBytes(secret);
    const start = this.#step(factor, 'verifyOtpCode');
    const steps = checkWindow('verifyOtpCode: window', window, JamError.invalidArgument);
    const candidates = this.#candidates(start, steps);
    // Authenticator apps show "123 456"; people type it so.
    const given = typeof code === 'string' ? code.replace(/\s/g, '') : '';
    const match = () =>
      this.#codeShape.test(given)
        ? matchOtpCode(key, given, candidates, this.#options.digits, this.#options.digest)
        : undefined;
    if (sessionKey === undefined) {
      const matched = match();
      if (matched !== undefined) return { valid: true, factor: matched };
      publish('otp.failure', () => ({ code: 'ERR_OTP_INVALID' }));
      return { valid: false, error: JamError.otpRefused('ERR_OTP_INVALID', 'wrong code') };
    }
    if (typeof sessionKey !== 'string' || sessionKey === '') {
      throw JamError.invalidArgument('verifyOtpCode: sessionKey must be a non-empty string');
    }
    const secretId = hash('sha256', key, 'base64url').slice(0, 22);
    return this.#guard.check(sessionKey, secretId, match, this.#rememberMs(steps));
  }

  /**
   * A recovery code of `sessionKey`: counted in the same attempt limit as OTP codes, and spent at most once
   * across processes (the first `claim` of its used-code record wins; the record is kept until deleted).
   */
  async recovery(sessionKey: unknown, code: unknown, hashes: readonly string[]): Promise<RecoveryCheck> {
    if (typeof sessionKey !== 'string' || sessionKey === '') {
      throw JamError.invalidArgument('useRecoveryCode: sessionKey must be a non-empty string');
    }
    const matched = matchRecoveryCode(code, hashes);
    // A failure rewrites the record: an OTP step it remembers is kept as long as the widest window needs.
    const keepMs = this.#rememberMs(MAX_OTP_WINDOW);
    const refused = await this.#guard.recovery(sessionKey, matched ? undefined : 'ERR_OTP_INVALID', keepMs);
    if (refused) return { valid: false, error: refused };
    const used = `recovery:${hash('sha256', `${sessionKey}\n${matched}`, 'base64url')}`;
    if (!(await this.#store.claim(used, 0))) {
      const error = await this.#guard.recovery(sessionKey, 'ERR_OTP_REPLAYED', keepMs);
      return { valid: false, error: error! };
    }
    publish('recovery.used', () => ({ sessionKey }));
    return { valid: true, hash: matched! };
  }

  uri(secret: OtpSecret, options: OtpUriOptions): string {
    return buildOtpUri(otpSecretBase32(secret), this.#options, options);
  }

  async close(): Promise<void> {
    await this.#store.close();
  }

  /** The TOTP step of a unix time, or the HOTP counter itself. */
  #step(factor: number | undefined, method: string): number {
    if (this.#options.type === 'hotp') {
      if (!Number.isSafeInteger(factor) || factor! < 0) {
        throw JamError.invalidArgument(`${method}: HOTP needs the counter as factor, an integer >= 0`);
      }
      return factor!;
    }
    const time = factor ?? this.#clock.now() / 1000;
    if (typeof time !== 'number' || !Number.isFinite(time) || time < 0) {
      throw JamError.invalidArgument(`${method}: factor must be a unix time in seconds, >= 0`);
    }
    return Math.floor(time / this.#options.interval);
  }

  /** TOTP: `window` steps either side of now; HOTP: the counter and `window` ahead (RFC 4226 §7.4). */
  #candidates(step: number, window: number): number[] {
    const first = this.#options.type === 'totp' ? Math.max(0, step - window) : step;
    return Array.from({ length: step + window - first + 1 }, (_, i) => first + i);
  }

  /** An accepted TOTP step stays acceptable for 2·window+1 intervals; an HOTP counter forever. */
  #rememberMs(window: number): number {
    if (this.#options.type === 'hotp') return 0;
    return (2 * window + 2) * this.#options.interval * 1000;
  }
}
