import { checkOneOf, checkPositiveNumber, checkSection, checkString } from '../../shared/option-checks.js';
import { checkHttpsUrl } from '../config/check-https-url.js';
import type { StoreOption } from '../store/open-store.js';
import { defaultProfile, PRESETS, type OAuth2Preset, type ProfileMapper } from './provider-presets.js';
import { JamError } from '../jam-error.js';

/** One identity provider. An OpenID Connect one (`scope` has `openid`) needs `issuer`; the rest comes from discovery unless given. */
export interface OAuth2ProviderOptions {
  /** `github`, `google`, `gitlab` or `yandex`: their endpoints, scope and profile mapping; options given here win. */
  preset?: OAuth2Preset;
  /** The provider's issuer identifier: discovery (when no endpoints are given) and the ID token's `iss`. */
  issuer?: string;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  /** OpenID Connect: userinfo, merged into the claims. Plain OAuth 2.0: the profile API the claims are mapped from. */
  userinfoEndpoint?: string;
  /** OpenID Connect with explicit endpoints: the provider's JWK Set, which verifies ID tokens. */
  jwksUri?: string;
  clientId: string;
  /** Absent for a public client (PKCE only). */
  clientSecret?: string;
  /** This app's callback URL, registered at the provider: `<origin><prefix>/<name>/callback`. */
  redirectUri: string;
  /** Default `openid email profile`, or the preset's. */
  scope?: string;
}

/** The `oauth2` section of the Jam config. */
export interface OAuth2Options {
  providers: Record<string, OAuth2ProviderOptions>;
  /** Where login transactions live: a Keyv instance or a URL, like `session.store`. Default: in memory. */
  store?: StoreOption;
  /** Seconds a login may take from the redirect to the callback. Default 600. */
  ttl?: number;
  /** A store call that fails or takes longer than this many milliseconds counts as an outage. Default 1000. */
  storeTimeout?: number;
  /** Seconds to wait for the provider (discovery, token, userinfo); longer counts as the provider down. Default 10. */
  requestTimeout?: number;
}

export interface ResolvedProvider {
  name: string;
  oidc: boolean;
  issuer: string;
  /** Undefined: discover them from `issuer`. */
  endpoints?: { authorization: string; token: string; userinfo?: string; jwks?: string };
  clientId: string;
  clientSecret?: string;
  redirectUri: string;
  scope: string;
  tokenScheme: 'Bearer' | 'OAuth';
  /** Plain OAuth 2.0 only. */
  profile?: ProfileMapper;
  /** Some URL is plain http on a loopback host (local development and tests). */
  loopbackHttp: boolean;
}

export interface ResolvedOAuth2Options {
  providers: Map<string, ResolvedProvider>;
  store?: StoreOption;
  ttlMs: number;
  storeTimeoutMs: number;
  requestTimeoutSeconds: number;
}

const KNOWN = ['providers', 'store', 'ttl', 'storeTimeout', 'requestTimeout'] as const;
const PROVIDER_KNOWN = [
  'preset',
  'issuer',
  'authorizationEndpoint',
  'tokenEndpoint',
  'userinfoEndpoint',
  'jwksUri',
  'clientId',
  'clientSecret',
  'redirectUri',
  'scope',
] as const;
const DEFAULTS = { ttl: 600, storeTimeout: 1000, requestTimeout: 10 } as const;
// A path segment of the login and callback URLs.
const PROVIDER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export function resolveOAuth2Options(input: OAuth2Options): ResolvedOAuth2Options {
  checkSection('oauth2', input, KNOWN);
  const options = { ...DEFAULTS, ...input };
  const providers = new Map<string, ResolvedProvider>();
  if (options.providers === null || typeof options.providers !== 'object') {
    throw JamError.config('oauth2.providers must be an object of providers by name');
  }
  for (const [name, provider] of Object.entries(options.providers)) {
    if (!PROVIDER_NAME.test(name)) {
      throw JamError.config(
        `oauth2.providers: "${name}" is not a valid provider name (letters, digits, - and _)`,
      );
    }
    providers.set(name, resolveProvider(name, provider));
  }
  if (providers.size === 0) throw JamError.config('oauth2.providers must name at least one provider');
  return {
    providers,
    store: options.store,
    ttlMs: Math.ceil(checkPositiveNumber('oauth2.ttl', options.ttl) * 1000),
    storeTimeoutMs: checkPositiveNumber('oauth2.storeTimeout', options.storeTimeout),
    requestTimeoutSeconds: checkPositiveNumber('oauth2.requestTimeout', options.requestTimeout),
  };
}

function resolveProvider(name: string, input: unknown): ResolvedProvider {
  const path = `oauth2.providers.${name}`;
  const given = checkSection(path, input, PROVIDER_KNOWN) as Partial<OAuth2ProviderOptions>;
  const preset =
    given.preset === undefined
      ? undefined
      : PRESETS[checkOneOf(`${path}.preset`, given.preset, Object.keys(PRESETS) as OAuth2Preset[])];
  const merged = { ...preset, ...given };
  const scope =
    merged.scope === undefined ? 'openid email profile' : checkString(`${path}.scope`, merged.scope);
  const oidc = scope.split(' ').includes('openid');
  let loopbackHttp = false;
  const url = (option: keyof OAuth2ProviderOptions): string | undefined => {
    const value = merged[option];
    if (value === undefined) return undefined;
    const checked = checkHttpsUrl(`${path}.${option}`, value);
    loopbackHttp ||= checked.protocol === 'http:';
    return value as string; // as given: an issuer is compared character for character (no added `/`)
  };
  const issuer = url('issuer');
  const authorization = url('authorizationEndpoint');
  const token = url('tokenEndpoint');
  const userinfo = url('userinfoEndpoint');
  const jwks = url('jwksUri');
  const redirectUri = url('redirectUri');
  if (redirectUri === undefined) throw JamError.config(`${path}.redirectUri is required`);
  if (oidc && issuer === undefined) throw JamError.config(`${path}.issuer is required for OpenID Connect`);
  const explicit = authorization !== undefined || token !== undefined;
  if (explicit || !oidc) {
    const needed: Array<[string, string | undefined]> = [
      ['authorizationEndpoint', authorization],
      ['tokenEndpoint', token],
      [oidc ? 'jwksUri' : 'userinfoEndpoint', oidc ? jwks : userinfo],
    ];
    const missing = needed.filter(([, value]) => value === undefined).map(([option]) => option);
    if (missing.length > 0) {
      throw JamError.config(
        `${path} needs ${missing.join(', ')}` + (oidc ? ' (or only issuer, for discovery)' : ''),
      );
    }
  }
  return {
    name,
    oidc,
    issuer: issuer ?? new URL(authorization!).origin,
    endpoints:
      explicit || !oidc ? { authorization: authorization!, token: token!, userinfo, jwks } : undefined,
    clientId: checkString(`${path}.clientId`, merged.clientId),
    clientSecret:
      merged.clientSecret === undefined
        ? undefined
        : checkString(`${path}.clientSecret`, merged.clientSecret),
    redirectUri,
    scope,
    tokenScheme: preset?.tokenScheme ?? 'Bearer',
    profile: oidc ? undefined : (preset?.profile ?? defaultProfile),
    loopbackHttp,
  };
}
