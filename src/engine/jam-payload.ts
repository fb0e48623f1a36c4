/** The registered JWT claims (RFC 7519 §4.1) plus whatever the application puts in. */
export interface JamPayload {
  /** Issuer: set from `jwt.issuer` and checked against it. */
  iss?: string;
  /** Subject: the principal, usually the user id. */
  sub?: string;
  /** Audience: set from `jwt.audience` and checked against it. */
  aud?: string | string[];
  /** Expiry, in seconds since the epoch. */
  exp?: number;
  /** Not before, in seconds since the epoch. */
  nbf?: number;
  /** Issued at, in seconds since the epoch. */
  iat?: number;
  /** Token id: keys revocation list entries. */
  jti?: string;
  [claim: string]: unknown;
}
