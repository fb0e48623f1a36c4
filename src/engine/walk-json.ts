/**
 * How deeply objects and arrays may nest in a token payload or in session data (the payload or the data
 * itself is level 1). A few levels serve any real token or session; thousands are an attack on whatever
 * recurses over them.
 */
export const MAX_JSON_DEPTH = 32;

/** A value met by walkJson, with the way back to the root (for error messages). */
export interface JsonNode {
  readonly value: unknown;
  /** Objects and arrays this value is nested in (0 for the root). */
  readonly depth: number;
  readonly key?: string;
  readonly parent?: JsonNode;
}

/**
 * Visits `root` and every value under it, depth first in member order, with an explicit stack rather than
 * recursion, so no input can overflow the call stack. Calls `tooDeep` (which throws) before descending into
 * an object or array nested deeper than MAX_JSON_DEPTH.
 */
export function walkJson(root: unknown, visit: (node: JsonNode) => void, tooDeep: () => Error): void {
  const stack: JsonNode[] = [{ value: root, depth: 0 }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    visit(node);
    const { value, depth } = node;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) throw tooDeep();
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object);
    // Pushed last to first, so the first member is visited first.
    for (let i = keys.length - 1; i >= 0; i--) {
      stack.push({ value: object[keys[i]], depth: depth + 1, key: keys[i], parent: node });
    }
  }
}

/** `data.a[0].b`: the path from the root to `node`, named `rootName`. */
export function pathOf(node: JsonNode, rootName: string): string {
  let path = '';
  for (let at: JsonNode | undefined = node; at?.parent !== undefined; at = at.parent) {
    path = Array.isArray(at.parent.value) ? `[${at.key}]${path}` : `.${at.key}${path}`;
  }
  return rootName + path;
}
