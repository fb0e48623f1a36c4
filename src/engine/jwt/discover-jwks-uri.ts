import { checkHttpsUrl } from '../config/check-https-url.js';

/**
 * OpenID Connect discovery, for the one field koa-jam needs: `jwks_uri`. The document must name exactly the
 * configured issuer (OpenID Connect Discovery §4.3), and its URL obeys the https-or-loopback rule. Redirects
 * are not followed. Any failure rejects; the caller keeps its old keys and retries after its cooldown.
 */
export async function discoverJwksUri(issuer: string, timeoutMs: number): Promise<URL> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, {
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
    headers: { accept: 'application/json' },
  });
  if (response.status !== 200) throw new Error(`discovery answered HTTP ${response.status}`);
  const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown } | null;
  if (document?.issuer !== issuer) throw new Error('the discovery document names another issuer');
  return checkHttpsUrl('jwks_uri of the discovery document', document.jwks_uri);
}
