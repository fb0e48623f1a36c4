import { loadConfig } from './config/load-config.js';
import { configError } from './config/option-checks.js';
import type { JamConfig } from './jam-config.js';
import type { JamPayload } from './jam-payload.js';
import type { JwkSet } from './jwt/jwt-key-set.js';
import { resolveJwtOptions } from './jwt/jwt-options.js';
import { JwtService, type MakePayloadOptions, type VerifyJwtOptions } from './jwt/jwt-service.js';
import type { TokenPair } from './jwt/token-pairs.js';
import type { CacheStats } from './jwt/verified-token-cache.js';

/**
 * One configured instance for the whole app: JWT, sessions and one-time passwords.
 * Config is validated here, once; a bad config throws ERR_CONFIG before any request is served.
 */
export class Jam {
  readonly #jwt?: JwtService;

  /** @param config a config object, or the path of a JSON file that may use ${VAR} and ${VAR:-default}. */
  constructor(config?: JamConfig | string) {
    const { jwt } = loadConfig(config);
    this.#jwt = jwt === undefined ? undefined : new JwtService(resolveJwtOptions(jwt));
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
   * ERR_STORE_UNAVAILABLE when the list store is down, ...) otherwise. Refresh tokens are refused.
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

  /** A short-lived access token and a long-lived refresh token for `data`, starting a new family; needs jwt.list. */
  async genTokenPair<T extends object>(data: T): Promise<TokenPair> {
    return this.#jwtService().pairs.generate(data);
  }

  /** Spends the refresh token for a new pair; a spent one presented again revokes its family (ERR_JWT_REVOKED). */
  async refreshTokenPair(refreshToken: string): Promise<TokenPair> {
    return this.#jwtService().pairs.refresh(refreshToken);
  }

  /** The public JWK Set of the configured asymmetric keys (empty for HS* keys, which are secret). */
  jwks(): JwkSet {
    return this.#jwtService().jwks();
  }

  /** Counters of the verified-token cache, or undefined when JWT or the cache is off. */
  jwtCacheStats(): CacheStats | undefined {
    return this.#jwt?.cacheStats();
  }

  /** Releases what this instance opened (store connections it created from URLs). */
  async close(): Promise<void> {
    await this.#jwt?.close();
  }

  #jwtService(): JwtService {
    if (this.#jwt === undefined)
      throw configError('JWT is not configured: add a `jwt` section to the Jam config');
    return this.#jwt;
  }
}
