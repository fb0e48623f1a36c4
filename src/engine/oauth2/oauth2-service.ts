import type * as OpenIdClient from 'openid-client' with { 'resolution-mode': 'import' };
import type { Clock } from '../clock.js';
import { requireOptional } from '../config/require-optional.js';
import { openStore } from '../store/open-store.js';
import { JamStore } from '../store/jam-store.js';
import { LoginTransactions, type LoginTransaction } from './login-transactions.js';
import type {
  BeginLoginOptions,
  CompleteLoginOptions,
  LoginStart,
  OAuth2Claims,
  OAuth2Login,
} from './oauth2-login.js';
import type { ResolvedOAuth2Options, ResolvedProvider } from './oauth2-options.js';
import { failureEvent, providerFailure } from './provider-failure.js';
import { safeReturnTo } from '../../shared/safe-return-to.js';
import { isJamError, JamError } from '../jam-error.js';
import { publish } from '../jam-events.js';

type Client = typeof OpenIdClient;
type Configuration = OpenIdClient.Configuration;

/**
 * The authorization code flow with PKCE (S256), `state`, and for OpenID Connect `nonce`, ID token validation
 * and the RFC 9207 `iss` check, on openid-client (the protocol is never hand-written here). Two steps, free
 * of any web framework: beginLogin (the provider URL + a stored transaction) and completeLogin (the callback).
 */
export class OAuth2Service {
  readonly #client: Client;
  readonly #options: ResolvedOAuth2Options;
  readonly #store: JamStore;
  readonly #transactions: LoginTransactions;
  // Discovery runs at the first login of each provider; a failed one is forgotten, so the next login retries.
  readonly #configurations = new Map<string, Promise<Configuration>>();

  constructor(options: ResolvedOAuth2Options, clock: Clock) {
    this.#client = requireOptional<Client>('openid-client', 'oauth2');
    this.#options = options;
    this.#store = openStore(options.store, {
      path: 'oauth2.store',
      purpose: 'OAuth2 login store',
      prefix: 'jam:oauth2:',
      timeoutMs: options.storeTimeoutMs,
      clock,
    });
    this.#transactions = new LoginTransactions(this.#store, options.ttlMs, clock);
  }

  providers(): string[] {
    return [...this.#options.providers.keys()];
  }

  async beginLogin(name: string, options: BeginLoginOptions = {}): Promise<LoginStart> {
    const provider = this.#provider(name);
    return this.#reported(name, async () => {
      const client = this.#client;
      const config = await this.#configuration(provider);
      const state = client.randomState();
      const nonce = provider.oidc ? client.randomNonce() : undefined;
      const verifier = client.randomPKCECodeVerifier();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: provider.redirectUri,
        scope: provider.scope,
        state,
        ...(nonce !== undefined && { nonce }),
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      const browserKey = this.#transactions.browserKey(options.browserKey);
      const returnTo = safeReturnTo(options.returnTo);
      await this.#transactions.save(browserKey, { provider: name, state, nonce, verifier, returnTo });
      return { url: url.href, browserKey, maxAge: Math.ceil(this.#transactions.ttlMs / 1000) };
    });
  }

  async completeLogin(name: string, options: CompleteLoginOptions): Promise<OAuth2Login> {
    const provider = this.#provider(name);
    return this.#reported(name, async () => {
      const params = new URLSearchParams(options.query);
      const transaction = await this.#transactions.take(options.browserKey, params.get('state'));
      // Mix-up defence: the callback of one provider never completes a login started at another.
      if (transaction.provider !== name)
        throw JamError.oauth2Refused('wrong-provider', 'login was started for another provider', {
          provider: name,
        });
      const login = await this.#exchange(provider, params, transaction);
      publish('oauth2.login', () => ({ provider: name, sub: login.claims.sub as string }));
      return login;
    });
  }

  /** The code for tokens, then the claims: every failure is the provider's (providerFailure says which kind). */
  async #exchange(
    provider: ResolvedProvider,
    params: URLSearchParams,
    transaction: LoginTransaction,
  ): Promise<OAuth2Login> {
    const { name } = provider;
    const client = this.#client;
    try {
      const config = await this.#configuration(provider);
      // openid-client takes the token request's redirect_uri from this URL: the configured one, never the Host header.
      const callback = new URL(provider.redirectUri);
      callback.search = params.toString();
      const response = await client.authorizationCodeGrant(config, callback, {
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
        pkceCodeVerifier: transaction.verifier,
        idTokenExpected: provider.oidc,
      });
      const claims = provider.oidc
        ? await this.#oidcClaims(config, response.access_token, response.claims())
        : await this.#mappedProfile(provider, response.access_token);
      if (typeof claims.sub !== 'string' || claims.sub === '')
        throw JamError.oauth2Refused('no-subject', `${name}: the profile has no id`, { provider: name });
      return {
        provider: name,
        claims,
        tokens: {
          accessToken: response.access_token,
          ...(response.refresh_token !== undefined && { refreshToken: response.refresh_token }),
          ...(response.id_token !== undefined && { idToken: response.id_token }),
          ...(response.expires_in !== undefined && { expiresIn: response.expires_in }),
        },
        returnTo: transaction.returnTo,
      };
    } catch (err) {
      throw providerFailure(name, err);
    }
  }

  /** Every sign-in step that fails is published (`oauth2.failure`) on its way to the caller. */
  async #reported<T>(provider: string, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (err) {
      if (isJamError(err)) publish('oauth2.failure', () => failureEvent(provider, err));
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.#store.close();
  }

  #provider(name: string): ResolvedProvider {
    const provider = this.#options.providers.get(name);
    if (provider === undefined) throw JamError.config(`oauth2: no provider named "${name}" is configured`);
    return provider;
  }

  /** Verified ID token claims, plus the userinfo claims when the provider has an endpoint (ID token claims win). */
  async #oidcClaims(
    config: Configuration,
    accessToken: string,
    idToken: OpenIdClient.IDToken | undefined,
  ): Promise<OAuth2Claims> {
    if (idToken === undefined) throw JamError.oauth2Refused('exchange', 'no ID token'); // idTokenExpected already refuses this
    if (config.serverMetadata().userinfo_endpoint === undefined) return { ...idToken };
    // fetchUserInfo refuses a userinfo response about another `sub`.
    const userinfo = await this.#client.fetchUserInfo(config, accessToken, idToken.sub);
    return { ...userinfo, ...idToken };
  }

  async #mappedProfile(provider: ResolvedProvider, accessToken: string): Promise<OAuth2Claims> {
    const timeoutMs = this.#options.requestTimeoutSeconds * 1000;
    const fetchProfile = async (url: string): Promise<unknown> => {
      const response = await fetch(url, {
        headers: { Authorization: `${provider.tokenScheme} ${accessToken}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
      if (!response.ok)
        throw Object.assign(new Error(`profile API answered ${response.status}`), {
          status: response.status,
        });
      return response.json();
    };
    return provider.profile!(fetchProfile, provider.endpoints!.userinfo!);
  }

  #configuration(provider: ResolvedProvider): Promise<Configuration> {
    let config = this.#configurations.get(provider.name);
    if (config === undefined) {
      config = this.#configure(provider);
      config.catch(() => this.#configurations.delete(provider.name));
      this.#configurations.set(provider.name, config);
    }
    return config;
  }

  async #configure(provider: ResolvedProvider): Promise<Configuration> {
    const client = this.#client;
    const { clientId, clientSecret, endpoints } = provider;
    // Only ever for URLs on loopback hosts: the options refuse any other http:// URL.
    const execute = provider.loopbackHttp ? [client.allowInsecureRequests] : [];
    const timeout = this.#options.requestTimeoutSeconds;
    let config: Configuration;
    if (endpoints === undefined) {
      try {
        config = await client.discovery(new URL(provider.issuer), clientId, clientSecret, undefined, {
          execute,
          timeout,
        });
      } catch (err) {
        throw providerFailure(provider.name, err);
      }
    } else {
      config = new client.Configuration(
        {
          issuer: provider.issuer,
          authorization_endpoint: endpoints.authorization,
          token_endpoint: endpoints.token,
          ...(provider.oidc && { userinfo_endpoint: endpoints.userinfo, jwks_uri: endpoints.jwks }),
        },
        clientId,
        clientSecret,
      );
      config.timeout = timeout;
      for (const step of execute) step(config);
    }
    return config;
  }
}
