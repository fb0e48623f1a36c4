/** The registered JWT claims (RFC 7519 §4.1) plus whatever the application puts in. */
export interface JamPayload {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  [claim: string]: unknown;
}
