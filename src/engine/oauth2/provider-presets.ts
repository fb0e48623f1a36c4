import type { OAuth2Claims } from './oauth2-login.js';

/** Reads a JSON profile API with the access token. */
export type ProfileFetch = (url: string) => Promise<unknown>;

/** Turns a plain OAuth 2.0 provider's profile API into claims (`sub` always set). */
export type ProfileMapper = (fetchProfile: ProfileFetch, userinfoEndpoint: string) => Promise<OAuth2Claims>;

export interface ProviderPreset {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userinfoEndpoint: string;
  /** Only for OpenID Connect presets, whose ID tokens are verified with it. */
  jwksUri?: string;
  scope: string;
  /** How the profile API wants the access token (`Authorization: <scheme> <token>`). */
  tokenScheme: 'Bearer' | 'OAuth';
  /** Plain OAuth 2.0 presets only: OpenID Connect ones take their claims from the ID token and userinfo. */
  profile?: ProfileMapper;
}

/** A provider koa-jam knows the endpoints and profile mapping of. */
export type OAuth2Preset = 'github' | 'google' | 'gitlab' | 'yandex';

interface GitHubUser {
  id: number;
  login: string;
  name?: string | null;
  avatar_url?: string;
}

interface GitHubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

interface YandexUser {
  id: string;
  login: string;
  real_name?: string;
  display_name?: string;
  default_email?: string;
}

/** Jam's four providers. Endpoints can be overridden per provider (GitHub Enterprise, self-hosted GitLab). */
export const PRESETS: Record<OAuth2Preset, ProviderPreset> = {
  github: {
    issuer: 'https://github.com',
    authorizationEndpoint: 'https://github.com/login/oauth/authorize',
    tokenEndpoint: 'https://github.com/login/oauth/access_token',
    userinfoEndpoint: 'https://api.github.com/user',
    scope: 'read:user user:email',
    tokenScheme: 'Bearer',
    async profile(fetchProfile, userinfoEndpoint) {
      const user = (await fetchProfile(userinfoEndpoint)) as GitHubUser;
      const emails = (await fetchProfile(`${userinfoEndpoint.replace(/\/$/, '')}/emails`)) as GitHubEmail[];
      // The public profile e-mail is whatever the user typed; only the primary verified address is an identity.
      const primary = Array.isArray(emails) ? emails.find((e) => e.primary && e.verified) : undefined;
      return {
        sub: String(user.id),
        preferred_username: user.login,
        name: user.name ?? undefined,
        picture: user.avatar_url,
        ...(primary && { email: primary.email, email_verified: true }),
      };
    },
  },
  google: {
    issuer: 'https://accounts.google.com',
    authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenEndpoint: 'https://oauth2.googleapis.com/token',
    userinfoEndpoint: 'https://openidconnect.googleapis.com/v1/userinfo',
    jwksUri: 'https://www.googleapis.com/oauth2/v3/certs',
    scope: 'openid email profile',
    tokenScheme: 'Bearer',
  },
  gitlab: {
    issuer: 'https://gitlab.com',
    authorizationEndpoint: 'https://gitlab.com/oauth/authorize',
    tokenEndpoint: 'https://gitlab.com/oauth/token',
    userinfoEndpoint: 'https://gitlab.com/oauth/userinfo',
    jwksUri: 'https://gitlab.com/oauth/discovery/keys',
    scope: 'openid email profile',
    tokenScheme: 'Bearer',
  },
  yandex: {
    issuer: 'https://oauth.yandex.ru',
    authorizationEndpoint: 'https://oauth.yandex.ru/authorize',
    tokenEndpoint: 'https://oauth.yandex.ru/token',
    userinfoEndpoint: 'https://login.yandex.ru/info?format=json',
    scope: 'login:email login:info',
    tokenScheme: 'OAuth',
    async profile(fetchProfile, userinfoEndpoint) {
      const user = (await fetchProfile(userinfoEndpoint)) as YandexUser;
      // Yandex does not say whether default_email was verified: it is not marked verified here.
      return {
        sub: String(user.id),
        preferred_username: user.login,
        name: user.real_name ?? user.display_name,
        email: user.default_email,
      };
    },
  },
};

/** For a plain OAuth 2.0 provider without a preset: its profile's `sub` or `id` becomes `sub`. */
export const defaultProfile: ProfileMapper = async (fetchProfile, userinfoEndpoint) => {
  const profile = (await fetchProfile(userinfoEndpoint)) as Record<string, unknown>;
  const id = profile?.sub ?? profile?.id;
  return { ...profile, sub: typeof id === 'string' || typeof id === 'number' ? String(id) : '' };
};
