import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A client registered at the Example IdP. */
export interface IdpClient {
  client_id: string;
  client_secret?: string;
  client_name?: string;
  redirect_uris: string[];
  token_endpoint_auth_method?: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

// The signing key, made once per process (RSA key generation takes a moment).
let signingKey: object | undefined;

/**
 * "Example IdP": a real OpenID Provider (`oidc-provider`, OpenID Certified) with its development login and
 * consent forms, which accept any login and password (the login becomes `sub`, `<login>@example.com` the
 * verified e-mail). PKCE is required for every client. For local development and tests only: a production
 * provider needs real accounts, a persistent adapter and keys of its own.
 */
export function createExampleIdp(issuer: string, clients: IdpClient[]): Handler {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- ESM-only and untyped; require() loads it on Node >= 20.19
  const { default: Provider } = require('oidc-provider') as {
    default: new (issuer: string, config: object) => { callback(): Handler };
  };
  signingKey ??= {
    ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
    use: 'sig',
  };
  const provider = new Provider(issuer, {
    // openid-client sends the secret in the body (client_secret_post) unless told otherwise.
    clients: clients.map((client) => ({ token_endpoint_auth_method: 'client_secret_post', ...client })),
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: () => ({ sub, email: `${sub}@example.com`, email_verified: true, name: sub }),
    }),
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // Explicit lifetimes (seconds), also to keep the provider from printing a notice for each default.
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 3600,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
    },
  });
  return provider.callback();
}

if (require.main === module) {
  const port = Number(process.env.IDP_PORT ?? 4000);
  const app = process.env.APP_ORIGIN ?? 'http://127.0.0.1:3000';
  const issuer = `http://127.0.0.1:${port}`;
  const handler = createExampleIdp(issuer, [
    {
      client_id: 'web-app',
      client_secret: 'web-app-secret',
      client_name: 'koa-jam web-app',
      redirect_uris: [`${app}/auth/example/callback`],
    },
  ]);
  void import('node:http').then(({ createServer }) =>
    createServer(handler).listen(port, '127.0.0.1', () =>
      console.log(`Example IdP on ${issuer} (any login and password); client web-app for ${app}`),
    ),
  );
}
