/** `depth` objects nested in one another (`{"a":{"a":…leaf}}`), built without recursion. */
export function nested(depth: number, leaf: unknown = 1): Record<string, unknown> {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value as Record<string, unknown>;
}

/** The JSON text of `depth` arrays nested in one another, as a member to put in a payload. */
export function nestedArrays(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** Levels of objects and arrays (the value itself is level 1; 0 for a primitive), counted without recursion. */
export function depthOf(root: unknown): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[root, 1]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [value, level] = top;
    if (value === null || typeof value !== 'object') continue;
    deepest = Math.max(deepest, level);
    for (const child of Object.values(value)) stack.push([child, level + 1]);
  }
  return deepest;
}
