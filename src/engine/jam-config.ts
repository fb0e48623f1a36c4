import type { AuthzOptions } from './authz/authz-options.js';
import type { JwtOptions } from './jwt/jwt-options.js';
import type { OAuth2Options } from './oauth2/oauth2-options.js';
import type { OtpOptions } from './otp/otp-options.js';
import type { PasskeyOptions } from './passkeys/passkey-options.js';
import type { SessionOptions } from './session/session-options.js';

/** What `new Jam(config)` takes; every section is optional, and a method of an absent section throws ERR_CONFIG. */
export interface JamConfig {
  /** JSON Web Tokens: keys, lifetimes, revocation lists. */
  jwt?: JwtOptions;
  /** Server-side sessions. */
  session?: SessionOptions;
  /** One-time passwords (HOTP/TOTP). */
  otp?: OtpOptions;
  /** Sign in with identity providers (OAuth 2.0 / OpenID Connect); needs the openid-client package. */
  oauth2?: OAuth2Options;
  /** Passkeys (WebAuthn); needs the optional peer `@simplewebauthn/server`. */
  passkeys?: PasskeyOptions;
  /** Permissions and scopes: `isAllowed`, `requirePermission`. */
  authz?: AuthzOptions;
}
