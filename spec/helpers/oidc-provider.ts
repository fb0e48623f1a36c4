import { generateKeyPairSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenLoopback, type LoopbackServer } from './loopback-server.js';

/** A client registered at the test provider. */
export interface TestClient {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
  token_endpoint_auth_method?: string;
}

export interface TestIdp {
  /** `http://127.0.0.1:<port>`, also the issuer. */
  issuer: string;
  /** Stops answering (connections refused) until start() again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

interface OidcProvider {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
}

// The provider's signing key, made once per process (RSA generation takes a while).
let signingKey: object | undefined;

/**
 * A real oidc-provider (OpenID certified) on a free loopback port, with its development login and consent
 * forms (any login and password are accepted; the login becomes `sub`). PKCE is required for every client.
 * `clients(issuer)` returns the clients to register, since redirect URIs are often only known then.
 */
export async function startIdp(clients: (issuer: string) => TestClient[]): Promise<TestIdp> {
  let loopback: LoopbackServer = await listenLoopback();
  const issuer = loopback.origin;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- ESM-only and untyped; require() loads it on Node >= 20.19
  const { default: Provider } = require('oidc-provider') as {
    default: new (issuer: string, config: object) => OidcProvider;
  };
  signingKey ??= {
    ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
    use: 'sig',
  };
  const provider = new Provider(issuer, {
    // openid-client sends the secret in the body (client_secret_post) unless told otherwise.
    clients: clients(issuer).map((client) => ({
      token_endpoint_auth_method: 'client_secret_post',
      ...client,
    })),
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: () => ({ sub, email: `${sub}@example.com`, email_verified: true, name: sub }),
    }),
    jwks: { keys: [signingKey] },
    // Explicit lifetimes (seconds), also to keep the provider from printing a notice for each default.
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 3600,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
    },
    cookies: { keys: ['test-only-cookie-key-for-the-idp'] },
  });
  const handler = provider.callback();
  loopback.handle(handler);
  return {
    issuer,
    stop: () => loopback.close(),
    async start() {
      loopback = await listenLoopback(loopback.port);
      loopback.handle(handler);
    },
    close: () => loopback.close(),
  };
}
