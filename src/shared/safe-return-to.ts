/**
 * `value` when it is a path on this origin, else `/`. Browsers read `//host` and `/\host` as another host, and
 * control characters can be dropped on the way, so only a `/` followed by something else than `/` or `\` passes.
 */
export function safeReturnTo(value: unknown): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it refuses
  if (typeof value !== 'string' || !/^\/(?![/\\])/.test(value) || /[\u0000-\u001f\u007f\\]/.test(value)) {
    return '/';
  }
  const base = 'http://origin.invalid';
  const url = new URL(value, base);
  return url.origin === base ? url.pathname + url.search + url.hash : '/';
}
