import { checkOneOf, checkPositiveNumber, checkString } from '../../shared/option-checks.js';
import { resolveSection, type OptionsSchema } from '../../shared/options-schema.js';
import { checkHttpsUrl } from '../config/check-https-url.js';
import { checkStoreOption, type StoreOption } from '../store/open-store.js';
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
  /** Space-separated; with `openid` the provider is OpenID Connect. */
  scope?: string;
}

/** The `oauth2` section of the Jam config; defaults and details: docs/oauth2.md, from `OAUTH2_OPTIONS`. */
export interface OAuth2Options {
  providers: Record<string, OAuth2ProviderOptions>;
  /** Where login transactions live: a Keyv instance or a URL, like `session.store`. */
  store?: StoreOption;
  /** Seconds a login may take from the redirect to the callback. */
  ttl?: number;
  /** A store call that fails or takes longer than this many milliseconds counts as an outage. */
  storeTimeout?: number;
  /** Seconds to wait for the provider (discovery, token, userinfo); longer counts as the provider down. */
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

// A path segment of the login and callback URLs.
const PROVIDER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const DEFAULT_SCOPE = 'openid email profile';

/** The options of one `oauth2.providers` entry, declared once (docs/oauth2.md shows them). */
export const OAUTH2_PROVIDER_OPTIONS = {
  preset: {
    doc: '`github`, `google`, `gitlab` or `yandex`: endpoints, scope and profile mapping; options given beside it win',
    check: (path: string, value: unknown) => checkOneOf(path, value, Object.keys(PRESETS) as OAuth2Preset[]),
  },
  issuer: {
    doc: "the provider's issuer: discovery, when no endpoints are given, and the expected `iss`. Required for OpenID Connect",
    check: checkUrlOption,
  },
  authorizationEndpoint: { doc: 'explicit endpoints instead of discovery', check: checkUrlOption },
  tokenEndpoint: { doc: 'explicit endpoints instead of discovery', check: checkUrlOption },
  jwksUri: {
    doc: 'OpenID Connect with explicit endpoints: the key set that verifies ID tokens',
    check: checkUrlOption,
  },
  userinfoEndpoint: {
    doc: 'OpenID Connect: userinfo, merged into the claims; plain OAuth 2.0: the profile API the claims are mapped from',
    check: checkUrlOption,
  },
  clientId: { doc: 'the client id registered at the provider', required: true, check: checkString },
  clientSecret: {
    doc: 'sent as `client_secret_post`; absent for a public client (PKCE only)',
    check: checkString,
  },
  redirectUri: {
    doc: "this app's callback, `<origin><prefix>/<name>/callback`, registered at the provider",
    required: true,
    check: checkUrlOption,
  },
  scope: {
    doc: 'with `openid`, the provider is OpenID Connect (ID token, nonce)',
    defaultDoc: `\`${DEFAULT_SCOPE}\`, or the preset's`,
    check: checkString,
  },
} as const satisfies OptionsSchema;

/** The `oauth2` options, declared once (docs/oauth2.md shows them). */
export const OAUTH2_OPTIONS = {
  providers: {
    doc: 'identity providers by name (the name is the URL segment: letters, digits, `-`, `_`)',
    required: true,
    check: resolveProviders,
  },
  store: {
    doc: 'where login transactions live: a Keyv instance or a URL, as `session.store`; use Redis with several app processes',
    defaultDoc: 'in memory',
    check: checkStoreOption,
  },
  ttl: {
    doc: 'seconds a login may take from the redirect to the callback',
    default: 600,
    check: checkPositiveNumber,
  },
  storeTimeout: {
    doc: 'milliseconds after which a store call counts as an outage (503)',
    default: 1000,
    check: checkPositiveNumber,
  },
  requestTimeout: {
    doc: 'seconds to wait for the provider before it counts as down (503)',
    default: 10,
    check: checkPositiveNumber,
  },
} as const satisfies OptionsSchema;

export function resolveOAuth2Options(input: OAuth2Options): ResolvedOAuth2Options {
  const options = resolveSection('oauth2', OAUTH2_OPTIONS, input);
  return {
    providers: options.providers,
    store: options.store,
    ttlMs: Math.ceil(options.ttl * 1000),
    storeTimeoutMs: options.storeTimeout,
    requestTimeoutSeconds: options.requestTimeout,
  };
}

function resolveProviders(path: string, value: unknown): Map<string, ResolvedProvider> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw JamError.config(`${path} must be an object of providers by name`);
  }
  const providers = new Map<string, ResolvedProvider>();
  for (const [name, provider] of Object.entries(value)) {
    if (!PROVIDER_NAME.test(name)) {
      throw JamError.config(`${path}: "${name}" is not a valid provider name (letters, digits, - and _)`);
    }
    providers.set(name, resolveProvider(`${path}.${name}`, name, provider));
  }
  if (providers.size === 0) throw JamError.config(`${path} must name at least one provider`);
  return providers;
}

function resolveProvider(path: string, name: string, input: unknown): ResolvedProvider {
  const given = Object.fromEntries(
    Object.entries(resolveSection(path, OAUTH2_PROVIDER_OPTIONS, input)).filter(([, v]) => v !== undefined),
  ) as Partial<OAuth2ProviderOptions>;
  const preset = given.preset === undefined ? undefined : PRESETS[given.preset];
  const merged = { ...preset, ...given };
  const scope = merged.scope ?? DEFAULT_SCOPE;
  const oidc = scope.split(' ').includes('openid');
  const { issuer, authorizationEndpoint: authorization, tokenEndpoint: token } = merged;
  const { userinfoEndpoint: userinfo, jwksUri: jwks, redirectUri } = merged;
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
    clientId: merged.clientId!,
    clientSecret: merged.clientSecret,
    redirectUri: redirectUri!,
    scope,
    tokenScheme: preset?.tokenScheme ?? 'Bearer',
    profile: oidc ? undefined : (preset?.profile ?? defaultProfile),
    loopbackHttp: [issuer, authorization, token, userinfo, jwks, redirectUri].some((url) =>
      url?.startsWith('http:'),
    ),
  };
}

/** A URL option, kept as given: an issuer is compared character for character (no added `/`). */
function checkUrlOption(path: string, value: unknown): string {
  checkHttpsUrl(path, value);
  return value as string;
}
