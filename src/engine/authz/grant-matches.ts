/**
 * Whether one grant (from a token or `authz.deny`) covers one required permission. Segments are compared
 * exactly (case-sensitive, untrimmed); a `*` segment matches any one segment, and a trailing `*` one or
 * more segments, so `orders:*` grants `orders:read` and `orders:items:read` but not `orders`, and `*` alone
 * grants everything. Nothing else is a pattern, and a grant with an empty segment matches nothing.
 */
export function grantMatches(grant: string, permission: string): boolean {
  const granted = grant.split(':');
  const required = permission.split(':');
  const last = granted.length - 1;
  for (let i = 0; i <= last; i++) {
    const segment = granted[i];
    if (segment === '') return false;
    if (i >= required.length) return false;
    if (segment === '*') {
      if (i === last) return true;
    } else if (segment !== required[i]) return false;
  }
  return granted.length === required.length;
}
