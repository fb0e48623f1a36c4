import fc from 'fast-check';

/** Arbitraries that damage credentials the way an attacker or a broken proxy would, for the fuzz specs. */
export const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
export const tokenChar = fc.constantFrom(...`${B64URL}.=+/ \t!%\u0000é€`);

/** One edit of a token: characters, or whole segments. */
export const editOf = (char: fc.Arbitrary<string>) =>
  fc.oneof(
    fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), char }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), char }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('flipCase' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('swapSegments' as const), a: fc.nat(2), b: fc.nat(2) }),
    fc.record({ kind: fc.constant('repeatSegment' as const), a: fc.nat(2) }),
  );
export const edit = editOf(tokenChar);
// What Node's HTTP client lets through in a header value: tab, visible ASCII, space, Latin-1.
export const headerChar = fc.constantFrom(
  ...'\t !"#$%&\'()*+,-./0123456789:;<=>?@ABZabz[\\]^_`{|}~éÿBearer ;=',
);
export const headerEdit = editOf(headerChar);
export type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;

export function mutate(token: string, edits: Edit[]): string {
  let t = token;
  for (const e of edits) {
    const at = 'at' in e ? e.at % (t.length + 1) : 0;
    const parts = t.split('.');
    switch (e.kind) {
      case 'replace':
        t = t.slice(0, at) + e.char + t.slice(at + 1);
        break;
      case 'insert':
        t = t.slice(0, at) + e.char + t.slice(at);
        break;
      case 'delete':
        t = t.slice(0, at) + t.slice(at + 1);
        break;
      case 'truncate':
        t = t.slice(0, at);
        break;
      case 'flipCase': {
        const c = t.charAt(at);
        t = t.slice(0, at) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + t.slice(at + 1);
        break;
      }
      case 'swapSegments':
        [parts[e.a % parts.length], parts[e.b % parts.length]] = [
          parts[e.b % parts.length],
          parts[e.a % parts.length],
        ];
        t = parts.join('.');
        break;
      case 'repeatSegment':
        parts.splice(e.a % parts.length, 0, parts[e.a % parts.length]);
        t = parts.join('.');
        break;
    }
  }
  return t;
}
