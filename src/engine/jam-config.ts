import type { JwtOptions } from './jwt/jwt-options.js';
import type { OtpOptions } from './otp/otp-options.js';
import type { SessionOptions } from './session/session-options.js';

/** What `new Jam(config)` takes; every section is optional, and a method of an absent section throws ERR_CONFIG. */
export interface JamConfig {
  /** JSON Web Tokens: keys, lifetimes, revocation lists. */
  jwt?: JwtOptions;
  /** Server-side sessions. */
  session?: SessionOptions;
  /** One-time passwords (HOTP/TOTP). */
  otp?: OtpOptions;
}
