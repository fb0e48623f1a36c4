import type { Context } from 'koa';
import { JamError } from '../engine/jam-error.js';

/** Finds a credential in a request; returns undefined when there is none and never throws. */
export type TokenResolver = (ctx: Context) => string | undefined;

// RFC 6750 §2.1 / RFC 7235: case-insensitive scheme, one or more spaces, then the credential.
const BEARER = /^bearer +([^\s]+) *$/i;

/** The named cookie; an empty one is no token. */
export function fromCookie(name: string): TokenResolver {
  return (ctx) => ctx.cookies.get(name) || undefined;
}

/** `Bearer <token>` in the named header; any other scheme (`Basic ...`) is no token. */
export function fromBearerHeader(name = 'Authorization'): TokenResolver {
  const header = name.toLowerCase();
  return (ctx) => {
    const value = ctx.headers[header];
    // A header sent twice is ambiguous (RFC 9110 §5.3): Node keeps the first Authorization and joins other
    // names with commas, and a proxy in front may have read another one. Neither copy is used.
    if (typeof value !== 'string' || (ctx.req.headersDistinct[header]?.length ?? 0) > 1) return undefined;
    return BEARER.exec(value)?.[1];
  };
}

export interface CredentialSources {
  /** Header carrying `Bearer <credential>`; null turns it off. */
  headerName?: string | null;
  /** Cookie carrying the credential, read before the header; null turns it off. */
  cookieName?: string | null;
}

/** Cookie first, then header: the resolvers of checked `cookieName` / `headerName` options. */
export function resolversFor({ headerName, cookieName }: Required<CredentialSources>): TokenResolver[] {
  const resolvers: TokenResolver[] = [];
  if (cookieName !== null) resolvers.push(fromCookie(cookieName));
  if (headerName !== null) resolvers.push(fromBearerHeader(headerName));
  return resolvers;
}

/** First match wins. */
export function firstCredential(resolvers: readonly TokenResolver[], ctx: Context): string | undefined {
  for (const resolve of resolvers) {
    const found = resolve(ctx);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The check of a `cookieName` / `headerName` option: an HTTP token (RFC 9110 §5.6.2), or null for none. */
export function checkCredentialName(path: string, value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value)) {
    throw JamError.config(`${path} must be a header/cookie name or null`);
  }
  return value;
}
