import { resolveAuthzOptions } from './authz/authz-options.js';
import { PermissionPolicy } from './authz/permission-policy.js';
import { systemClock, type Clock } from './clock.js';
import { loadConfig } from './config/load-config.js';
import type { JamConfig } from './jam-config.js';
import type { JamPayload } from './jam-payload.js';
import type { JwkSet } from './jwt/jwt-key-set.js';
import { resolveJwtOptions } from './jwt/jwt-options.js';
import { JwtService, type MakePayloadOptions, type VerifyJwtOptions } from './jwt/jwt-service.js';
import { TokenPairs, type TokenPair } from './jwt/token-pairs.js';
import type { CacheStats } from './jwt/verified-token-cache.js';
import type {
  BeginLoginOptions,
  CompleteLoginOptions,
  LoginStart,
  OAuth2Login,
} from './oauth2/oauth2-login.js';
import { resolveOAuth2Options } from './oauth2/oauth2-options.js';
import { OAuth2Service } from './oauth2/oauth2-service.js';
import type { OtpCheck } from './otp/otp-attempt-guard.js';
import { resolveOtpOptions } from './otp/otp-options.js';
import type { OtpSecret } from './otp/otp-secret.js';
import { OtpService, type RecoveryCheck, type VerifyOtpOptions } from './otp/otp-service.js';
import type { OtpUriOptions } from './otp/otp-uri.js';
import type {
  PasskeyCredential,
  PasskeyCredentialLookup,
  PasskeyLogin,
  PasskeyOptionsJSON,
  PasskeyUser,
} from './passkeys/passkey-credential.js';
import { resolvePasskeyOptions } from './passkeys/passkey-options.js';
import { PasskeyService } from './passkeys/passkey-service.js';
import type { SessionData } from './session/session-data.js';
import type {
  ClearSessionsOptions,
  CreateSessionOptions,
  ListSessionsOptions,
  SessionInfo,
} from './session/key-sessions.js';
import { resolveSessionOptions } from './session/session-options.js';
import { SessionService } from './session/session-service.js';
import { checkPermissionList } from '../shared/permission-name.js';
import { JamError } from './jam-error.js';

/** What a Jam takes besides its config: things that are not configuration (code, not JSON). */
export interface JamOptions {
  /** Where the instance reads the time. Default: the system clock (`koa-jam/testing` passes one it controls). */
  clock?: Clock;
}

/**
 * One configured instance for the whole app: JWT, sessions, one-time passwords, passkeys and sign-in with
 * identity providers.
 * Config is validated here, once; a bad config throws ERR_CONFIG before any request is served.
 */
export class Jam {
  readonly #jwt?: JwtService;
  readonly #pairs?: TokenPairs;
  readonly #session?: SessionService;
  readonly #otp?: OtpService;
  readonly #oauth2?: OAuth2Service;
  readonly #passkeys?: PasskeyService;
  readonly #authz?: PermissionPolicy;

  /** @param config a config object, or the path of a JSON file that may use ${VAR} and ${VAR:-default}. */
  constructor(config?: JamConfig | string, { clock = systemClock }: JamOptions = {}) {
    if (typeof clock?.now !== 'function')
      throw JamError.config('clock must be an object with a now() method');
    const { jwt, session, otp, oauth2, passkeys, authz } = loadConfig(config);
    if (jwt !== undefined) {
      const options = resolveJwtOptions(jwt);
      this.#jwt = new JwtService(options, clock);
      this.#pairs = new TokenPairs(
        this.#jwt,
        this.#jwt.list,
        options.refreshExpire,
        options.refreshReuseInterval,
      );
    }
    this.#session =
      session === undefined ? undefined : new SessionService(resolveSessionOptions(session), clock);
    this.#otp = otp === undefined ? undefined : new OtpService(resolveOtpOptions(otp), clock);
    this.#oauth2 = oauth2 === undefined ? undefined : new OAuth2Service(resolveOAuth2Options(oauth2), clock);
    this.#passkeys =
      passkeys === undefined ? undefined : new PasskeyService(resolvePasskeyOptions(passkeys), clock);
    this.#authz = authz === undefined ? undefined : new PermissionPolicy(resolveAuthzOptions(authz));
  }

  /** `data` plus `iat`, `exp` and a random `jti` (and `iss`/`aud` when configured); fields of `data` win. */
  makePayload<T extends object>(data: T, options?: MakePayloadOptions): JamPayload & T {
    return this.#jwtService().makePayload(data, options);
  }

  /** Signs the payload exactly as given: no claim is added. With a white list, the token is recorded. */
  async genJwtToken(payload: JamPayload): Promise<string> {
    return this.#jwtService().issue(payload);
  }

  /**
   * The verified, frozen payload; throws JamError (ERR_JWT_INVALID, ERR_JWT_EXPIRED, ERR_JWT_REVOKED,
   * ERR_STORE_UNAVAILABLE when the list store is down, ERR_PROVIDER_UNAVAILABLE when a `jwt.jwks` provider was
   * never reached, ...) otherwise. Refresh tokens are refused.
   */
  async verifyJwtToken<T extends JamPayload = JamPayload>(
    token: string,
    options?: VerifyJwtOptions,
  ): Promise<T> {
    return (await this.#jwtService().check(token, options)) as T;
  }

  /** Puts the token on the black list (or takes it off the white list); for a token of a pair, its whole family. */
  async revokeJwtToken(token: string): Promise<void> {
    return this.#jwtService().revoke(token);
  }

  /**
   * Refuses every JWT of `sub` issued up to now (by its `iat`; tokens issued in this same second too) with
   * ERR_JWT_REVOKED from the next request on, in every process sharing the list store; tokens issued later
   * work. Needs jwt.list; covers tokens of a remote JWKS too.
   */
  async revokeSubject(sub: string): Promise<void> {
    return this.#jwtService().revokeSubject(sub);
  }

  /** A short-lived access token and a long-lived refresh token for `data`, starting a new family; needs jwt.list. */
  async genTokenPair<T extends object>(data: T): Promise<TokenPair> {
    return this.#tokenPairs().generate(data);
  }

  /** Spends the refresh token for a new pair; a spent one presented again revokes its family (ERR_JWT_REVOKED). */
  async refreshTokenPair(refreshToken: string): Promise<TokenPair> {
    return this.#tokenPairs().refresh(refreshToken);
  }

  /** The public JWK Set of the configured asymmetric keys (empty for HS* keys, which are secret). */
  jwks(): JwkSet {
    return this.#jwtService().jwks();
  }

  /** Counters of the verified-token cache, or undefined when JWT or the cache is off. */
  jwtCacheStats(): CacheStats | undefined {
    return this.#jwt?.cacheStats();
  }

  /**
   * Starts a session of `sessionKey` (a user name or id) holding `data` (JSON); resolves to its id. `meta`
   * (JSON, at most 1 KiB) is shown by listSessions: a user agent, an IP, a label.
   */
  async createSession(sessionKey: string, data: object, options?: CreateSessionOptions): Promise<string> {
    return this.#sessionService().create(sessionKey, data, options);
  }

  /** The session's data, or null when the id is unknown, expired, malformed, tampered or foreign. */
  async getSession<T extends object = SessionData>(id: string): Promise<T | null> {
    return (await this.#sessionService().get(id)) as T | null;
  }

  /** Replaces the data and restarts the ttl; throws ERR_SESSION_NOT_FOUND for an unknown id. */
  async updateSession(id: string, data: object): Promise<void> {
    return this.#sessionService().update(id, data);
  }

  /** Ends one session; no error when it is already gone. */
  async deleteSession(id: string): Promise<void> {
    return this.#sessionService().delete(id);
  }

  /**
   * Ends every session of `sessionKey` ("log out everywhere"), in every process sharing the store; with
   * `except`, every one but that session ("log out other devices").
   */
  async clearSessions(sessionKey: string, options?: ClearSessionsOptions): Promise<void> {
    return this.#sessionService().clear(sessionKey, options);
  }

  /** The live sessions of `sessionKey` ("your devices"), oldest first; `current` marks the caller's own. */
  async listSessions(sessionKey: string, options?: ListSessionsOptions): Promise<SessionInfo[]> {
    return this.#sessionService().list(sessionKey, options);
  }

  /** Ends the session of `sessionKey` with this handle (from listSessions); true when a live one ended. */
  async deleteSessionByHandle(sessionKey: string, handle: string): Promise<boolean> {
    return this.#sessionService().deleteByHandle(sessionKey, handle);
  }

  /** A new id for the same data; the old id stops working (call it at login and on privilege change). */
  async reworkSession(id: string): Promise<string> {
    return this.#sessionService().rework(id);
  }

  /** The session lifetime in seconds and whether reads extend it, for cookies. */
  sessionLifetime(): {
    /** Session lifetime in seconds. */
    ttl: number;
    /** Whether requests move the expiry forward. */
    rolling: boolean;
  } {
    const service = this.#sessionService();
    return { ttl: service.ttlSeconds, rolling: service.rolling };
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

  /**
   * Spends one of `sessionKey`'s recovery codes (from `generateRecoveryCodes`; `hashes` are the ones the app
   * stored): resolves to the hash it matched, for the app to remove, or null (wrong, already used, or locked).
   * Counted in the OTP attempt limit; single use across processes sharing the OTP store. Needs `otp`.
   */
  async useRecoveryCode(sessionKey: string, code: string, hashes: readonly string[]): Promise<string | null> {
    const check = await this.#otpService().recovery(sessionKey, code, hashes);
    return check.valid ? check.hash : null;
  }

  /** As `useRecoveryCode`, but says why a code was refused: `{ valid: true, hash }` or `{ valid: false, error }`. */
  async checkRecoveryCode(
    sessionKey: string,
    code: string,
    hashes: readonly string[],
  ): Promise<RecoveryCheck> {
    return this.#otpService().recovery(sessionKey, code, hashes);
  }

  /** An `otpauth://` URI for authenticator apps (usually shown as a QR code). */
  getOtpUri(secret: OtpSecret, options: OtpUriOptions): string {
    return this.#otpService().uri(secret, options);
  }

  /** The names of the configured identity providers (empty without an `oauth2` section). */
  oauth2Providers(): string[] {
    return this.#oauth2?.providers() ?? [];
  }

  /**
   * Starts a login at an identity provider: the URL to send the browser to, and the browser key to keep in a
   * short-lived cookie. The transaction (state, nonce, PKCE verifier, returnTo) stays in the oauth2 store.
   */
  async beginLogin(provider: string, options?: BeginLoginOptions): Promise<LoginStart> {
    return this.#oauth2Service().beginLogin(provider, options);
  }

  /**
   * Completes a login from the provider's callback: checks the transaction and state, exchanges the code with
   * the PKCE verifier and validates the ID token. Throws ERR_OAUTH2 (401) or ERR_PROVIDER_UNAVAILABLE (503).
   */
  async completeLogin(provider: string, options: CompleteLoginOptions): Promise<OAuth2Login> {
    return this.#oauth2Service().completeLogin(provider, options);
  }

  /** The relying party passkeys are made for: its id, name and the origins answers may come from. */
  passkeyRelyingParty(): { id: string; name: string; origins: string[] } {
    return this.#passkeyService().relyingParty();
  }

  /** Options for `navigator.credentials.create()` to add a passkey for `user`, excluding the ones they have. */
  async passkeyRegistrationOptions(
    user: PasskeyUser,
    existing?: PasskeyCredential[],
  ): Promise<PasskeyOptionsJSON> {
    return this.#passkeyService().registrationOptions(user, existing);
  }

  /** The verified new credential, for the application to save (ERR_PASSKEY_INVALID / ERR_PASSKEY_CHALLENGE). */
  async verifyPasskeyRegistration(user: PasskeyUser, answer: unknown): Promise<PasskeyCredential> {
    return this.#passkeyService().verifyRegistration(user, answer);
  }

  /** Options for `navigator.credentials.get()`: for one user's credentials, or (no user) any passkey for this site. */
  async passkeyLoginOptions(userId?: string, credentials?: PasskeyCredential[]): Promise<PasskeyOptionsJSON> {
    return this.#passkeyService().loginOptions(userId, credentials);
  }

  /** Verifies a sign-in, saves the credential's new counter, and resolves to its user (see PasskeyService). */
  async verifyPasskeyLogin(answer: unknown, lookup: PasskeyCredentialLookup): Promise<PasskeyLogin> {
    return this.#passkeyService().verifyLogin(answer, lookup);
  }

  /**
   * Whether the payload's grants (the `authz.claims`) cover every permission named, and `authz.deny` none of
   * them; false for a missing payload. Throws ERR_INVALID_ARGUMENT for a malformed permission name.
   */
  isAllowed(payload: JamPayload | null | undefined, permission: string | readonly string[]): boolean {
    const required = checkPermissionList('isAllowed', permission);
    return this.#authzPolicy().isAllowed(payload, required);
  }

  /** Releases what this instance opened (store connections it created from URLs). */
  async close(): Promise<void> {
    await this.#jwt?.close();
    await this.#session?.close();
    await this.#otp?.close();
    await this.#oauth2?.close();
    await this.#passkeys?.close();
  }

  #jwtService(): JwtService {
    return configured(this.#jwt, 'JWT is not configured: add a `jwt` section to the Jam config');
  }

  #tokenPairs(): TokenPairs {
    return configured(this.#pairs, 'JWT is not configured: add a `jwt` section to the Jam config');
  }

  #sessionService(): SessionService {
    return configured(
      this.#session,
      'sessions are not configured: add a `session` section to the Jam config',
    );
  }

  #oauth2Service(): OAuth2Service {
    return configured(
      this.#oauth2,
      'OAuth2 login is not configured: add an `oauth2` section to the Jam config',
    );
  }

  #authzPolicy(): PermissionPolicy {
    return configured(
      this.#authz,
      'permissions are not configured: add an `authz` section to the Jam config',
    );
  }

  #otpService(): OtpService {
    return configured(this.#otp, 'OTP is not configured: add an `otp` section to the Jam config');
  }

  #passkeyService(): PasskeyService {
    return configured(
      this.#passkeys,
      'passkeys are not configured: add a `passkeys` section to the Jam config',
    );
  }
}

function configured<T>(part: T | undefined, message: string): T {
  if (part === undefined) throw JamError.config(message);
  return part;
}
