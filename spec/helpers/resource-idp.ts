import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenLoopback, type LoopbackServer } from './loopback-server.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A signing key of the provider: a private RSA JWK with its kid. */
export type ProviderKey = JsonWebKey & { kid: string; use: 'sig' };

export interface ResourceIdp {
  /** `http://127.0.0.1:<port>`, also the issuer. */
  issuer: string;
  /** GET requests to the JWK Set (`/jwks`) since the start. */
  jwksFetches(): number;
  /** A JWT access token from the client_credentials grant for a resource indicator (see RESOURCES). */
  accessToken(resource?: string): Promise<string>;
  /** Publishes only these keys from now on (the first signs), without a restart of the port. */
  rotate(keys: ProviderKey[]): void;
  /** Stops answering (connections refused) until start() again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** Resource indicator → the audience its JWT access tokens carry. */
export const RESOURCES: Record<string, string> = {
  'https://orders.example.com': 'orders-api',
  'https://billing.example.com': 'billing-api',
};
const CLIENT = { client_id: 'orders-worker', client_secret: 'orders-worker-secret' };

let kids = 0;
/** A new RSA signing key for the provider. */
export function providerKey(): ProviderKey {
  const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: `key-${++kids}`, use: 'sig' };
}

/**
 * A real oidc-provider on a free loopback port acting as an API's identity provider: the client_credentials
 * grant issues RS256 JWT access tokens (RFC 9068) through its resource-indicators feature, with `sub`, the
 * resource's audience and a `scope`.
 */
export async function startResourceIdp(keys: ProviderKey[] = [providerKey()]): Promise<ResourceIdp> {
  let loopback: LoopbackServer = await listenLoopback();
  const issuer = loopback.origin;
  let fetches = 0;
  let handler = providerFor(issuer, keys);
  const counting: Handler = (req, res) => {
    if (req.method === 'GET' && req.url === '/jwks') fetches++;
    handler(req, res);
  };
  loopback.handle(counting);
  return {
    issuer,
    jwksFetches: () => fetches,
    async accessToken(resource = 'https://orders.example.com') {
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          resource,
          scope: 'orders:read',
          ...CLIENT,
        }),
      });
      const body = (await response.json()) as { access_token?: string };
      if (response.status !== 200 || !body.access_token)
        throw new Error(`token request failed: ${response.status} ${JSON.stringify(body)}`);
      return body.access_token;
    },
    rotate(next) {
      handler = providerFor(issuer, next);
    },
    stop: () => loopback.close(),
    async start() {
      loopback = await listenLoopback(loopback.port);
      loopback.handle(counting);
    },
  };
}

function providerFor(issuer: string, keys: ProviderKey[]): Handler {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- ESM-only and untyped; require() loads it on Node >= 20.19
  const { default: Provider } = require('oidc-provider') as {
    default: new (issuer: string, config: object) => { callback(): Handler };
  };
  const provider = new Provider(issuer, {
    clients: [
      {
        ...CLIENT,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'https://orders.example.com',
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (RESOURCES[resource] === undefined) throw new Error(`unknown resource ${resource}`);
          return {
            scope: 'orders:read orders:write',
            audience: RESOURCES[resource],
            accessTokenTTL: 600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256', kid: keys[0].kid } },
          };
        },
      },
    },
    scopes: ['orders:read', 'orders:write'],
    jwks: { keys },
    ttl: { ClientCredentials: 600 },
    cookies: { keys: ['test-only-cookie-key-for-the-resource-idp'] },
  });
  return provider.callback();
}
