/** Who signed in: verified ID token claims (plus userinfo), or a plain OAuth 2.0 provider's mapped profile. */
export interface OAuth2Claims {
  /** The provider's stable id of the user: key accounts by provider and `sub`, never by e-mail alone. */
  sub: string;
  email?: string;
  /** True only when the provider says it verified `email`. */
  email_verified?: boolean;
  name?: string;
  [claim: string]: unknown;
}

/** The provider's tokens from the code exchange. */
export interface OAuth2Tokens {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  /** Seconds, as the provider said. */
  expiresIn?: number;
}

/** A completed login, as `completeLogin` resolves and `onLogin` receives it. */
export interface OAuth2Login {
  /** The provider's name in the config. */
  provider: string;
  claims: OAuth2Claims;
  tokens: OAuth2Tokens;
  /** The same-origin path given at the start, or `/`. */
  returnTo: string;
}

/** Options of `jam.beginLogin`. */
export interface BeginLoginOptions {
  /** Where to go after the login; anything but a same-origin path (`/…`, not `//…`) becomes `/`. */
  returnTo?: string;
  /** The browser's key from an earlier login (its cookie), so parallel logins in one browser share it. */
  browserKey?: string;
}

/** What `jam.beginLogin` returns: where to send the browser, and what it must bring back. */
export interface LoginStart {
  /** Send the browser here (302). */
  url: string;
  /** Keep it in a short-lived HttpOnly cookie and hand it back to completeLogin. */
  browserKey: string;
  /** Seconds the login may take (the cookie's lifetime). */
  maxAge: number;
}

/** Options of `jam.completeLogin`: what the provider's callback brought. */
export interface CompleteLoginOptions {
  /** The callback's query string (or its parameters) as the provider sent it. */
  query: string | URLSearchParams | Record<string, string>;
  /** The browser's key from its cookie; without it no login completes. */
  browserKey?: string;
}
