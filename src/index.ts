export { Jam, type JamOptions } from './engine/jam.js';
export type { Clock } from './engine/clock.js';
export type { JamConfig } from './engine/jam-config.js';
export {
  JamError,
  isJamError,
  type JamErrorCode,
  type JwtCheck,
  type OAuth2Refusal,
} from './engine/jam-error.js';
export { jamChannels, type JamEvents } from './engine/jam-events.js';
export type { StoreCallContext } from './engine/store/store-events.js';
export type { JamPayload } from './engine/jam-payload.js';
export type { AuthzOptions } from './engine/authz/authz-options.js';
export type { JwtAlgorithm } from './engine/jwt/jwt-algorithms.js';
export type { JwtOptions } from './engine/jwt/jwt-options.js';
export type { JwkSet, JwtKeyOptions, PublicJwk } from './engine/jwt/jwt-key-set.js';
export type { JwtListOptions } from './engine/jwt/jwt-list-options.js';
export type { TokenPair } from './engine/jwt/token-pairs.js';
export type { MakePayloadOptions, VerifyJwtOptions } from './engine/jwt/jwt-service.js';
export type { CacheStats } from './engine/jwt/verified-token-cache.js';
export type {
  BeginLoginOptions,
  CompleteLoginOptions,
  LoginStart,
  OAuth2Claims,
  OAuth2Login,
  OAuth2Tokens,
} from './engine/oauth2/oauth2-login.js';
export type { OAuth2Options, OAuth2ProviderOptions } from './engine/oauth2/oauth2-options.js';
export type { OAuth2Preset } from './engine/oauth2/provider-presets.js';
export type { OtpCheck } from './engine/otp/otp-attempt-guard.js';
export type { OtpDigest, OtpOptions, OtpType } from './engine/otp/otp-options.js';
export { generateOtpSecret, type OtpSecret } from './engine/otp/otp-secret.js';
export type { RecoveryCheck, VerifyOtpOptions } from './engine/otp/otp-service.js';
export { generateRecoveryCodes, type RecoveryCodes } from './engine/otp/recovery-codes.js';
export type { OtpUriOptions } from './engine/otp/otp-uri.js';
export type {
  PasskeyCredential,
  PasskeyCredentialLookup,
  PasskeyLogin,
  PasskeyOptionsJSON,
  PasskeyUser,
} from './engine/passkeys/passkey-credential.js';
export type { PasskeyOptions, PasskeyUserVerification } from './engine/passkeys/passkey-options.js';
export { hashPassword, needsRehash, verifyPassword } from './engine/password/hash-password.js';
export type { ScryptParams } from './engine/password/scrypt-params.js';
export {
  generateEcKeyPair,
  generateEncryptionKey,
  generateRsaKeyPair,
  generateSecretKey,
  type EcCurve,
  type PemKeyPair,
} from './engine/keys/generate-keys.js';
export type { SessionData } from './engine/session/session-data.js';
export type {
  ClearSessionsOptions,
  CreateSessionOptions,
  ListSessionsOptions,
  SessionInfo,
} from './engine/session/key-sessions.js';
export type { SessionMeta } from './engine/session/session-meta.js';
export type { SessionOptions } from './engine/session/session-options.js';
export { MemoryStore } from './engine/store/memory-store.js';

export { jamContext } from './koa/jam-context.js';
export { jamCsrf, type JamCsrfOptions } from './koa/jam-csrf.js';
export { jamJwt, type JamJwtOptions } from './koa/jam-jwt.js';
export { jamJwks, type JamJwksOptions } from './koa/jam-jwks.js';
export { jamOAuth2, type JamOAuth2Options } from './koa/jam-oauth2.js';
export { jamPasskeys, type JamPasskeysOptions } from './koa/jam-passkeys.js';
export { jamSession, type JamSessionOptions } from './koa/jam-session.js';
export { requirePayload } from './koa/require-payload.js';
export { requirePermission } from './koa/require-permission.js';
export { clearSessionCookie, setSessionCookie, type SessionCookieOptions } from './koa/session-cookie.js';
export { fromBearerHeader, fromCookie, type TokenResolver } from './koa/token-resolvers.js';
export type { JamStatePayload, JamTypes } from './koa/koa-state.js';
