import { loadConfig } from './config/load-config.js';
import { configError } from './config/option-checks.js';
import type { JamConfig } from './jam-config.js';
import type { JamPayload } from './jam-payload.js';
import { resolveJwtOptions } from './jwt/jwt-options.js';
import { JwtService, type MakePayloadOptions, type VerifyJwtOptions } from './jwt/jwt-service.js';
import type { CacheStats } from './jwt/verified-token-cache.js';
import type { OtpCheck } from './otp/otp-attempt-guard.js';
import { resolveOtpOptions } from './otp/otp-options.js';
import type { OtpSecret } from './otp/otp-secret.js';
import { OtpService, type VerifyOtpOptions } from './otp/otp-service.js';
import type { OtpUriOptions } from './otp/otp-uri.js';

/**
 * One configured instance for the whole app: JWT, sessions and one-time passwords.
 * Config is validated here, once; a bad config throws ERR_CONFIG before any request is served.
 */
export class Jam {
  readonly #jwt?: JwtService;
  readonly #otp?: OtpService;

  /** @param config a config object, or the path of a JSON file that may use ${VAR} and ${VAR:-default}. */
  constructor(config?: JamConfig | string) {
    const { jwt, otp } = loadConfig(config);
    this.#jwt = jwt === undefined ? undefined : new JwtService(resolveJwtOptions(jwt));
    this.#otp = otp === undefined ? undefined : new OtpService(resolveOtpOptions(otp));
  }

  /** `data` plus `iat`, `exp` and a random `jti` (and `iss`/`aud` when configured); fields of `data` win. */
  makePayload<T extends object>(data: T, options?: MakePayloadOptions): JamPayload & T {
    return this.#jwtService().makePayload(data, options);
  }

  /** Signs the payload exactly as given: no claim is added. */
  async genJwtToken(payload: JamPayload): Promise<string> {
    return this.#jwtService().sign(payload);
  }

  /** The verified, frozen payload; throws JamError (ERR_JWT_INVALID, ERR_JWT_EXPIRED, ...) otherwise. */
  async verifyJwtToken<T extends JamPayload = JamPayload>(
    token: string,
    options?: VerifyJwtOptions,
  ): Promise<T> {
    return this.#jwtService().verify(token, options) as T;
  }

  /** Counters of the verified-token cache, or undefined when JWT or the cache is off. */
  jwtCacheStats(): CacheStats | undefined {
    return this.#jwt?.cacheStats();
  }

  /** The code for a TOTP unix time in seconds (default now) or an HOTP counter (required). */
  getOtpCode(secret: OtpSecret, factor?: number): string {
    return this.#otpService().code(secret, factor);
  }

  /** True when `code` is valid (see checkOtpCode for the reason when it is not). Always await it. */
  async verifyOtpCode(secret: OtpSecret, code: string, options?: VerifyOtpOptions): Promise<boolean> {
    return (await this.#otpService().check(secret, code, options)).valid;
  }

  /** `{ valid: true, factor }` with the accepted step or counter, or `{ valid: false, error }` saying why. */
  async checkOtpCode(secret: OtpSecret, code: string, options?: VerifyOtpOptions): Promise<OtpCheck> {
    return this.#otpService().check(secret, code, options);
  }

  /** An `otpauth://` URI for authenticator apps (usually shown as a QR code). */
  getOtpUri(secret: OtpSecret, options: OtpUriOptions): string {
    return this.#otpService().uri(secret, options);
  }

  /** Releases what this instance opened (store connections it created from URLs). */
  async close(): Promise<void> {
    await this.#otp?.close();
  }

  #jwtService(): JwtService {
    if (this.#jwt === undefined)
      throw configError('JWT is not configured: add a `jwt` section to the Jam config');
    return this.#jwt;
  }

  #otpService(): OtpService {
    if (this.#otp === undefined)
      throw configError('OTP is not configured: add an `otp` section to the Jam config');
    return this.#otp;
  }
}
