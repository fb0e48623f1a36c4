#!/usr/bin/env node
// Fails when the relative imports among the files under the given folders (default src/) form a cycle; run by
// `npm run lint`.
// Type-only imports count too: a cycle of types is still two modules that cannot be read one without the other.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const ts = createRequire(import.meta.url)('typescript');
const roots = (process.argv.length > 2 ? process.argv.slice(2) : ['src']).map((root) => resolve(root));

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|cts)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The files among `known` that `file` imports or re-exports (`./x.js` is `./x.ts`). */
function importsOf(file, known) {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map(({ fileName }) => fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => resolve(dirname(file), specifier).replace(/\.(m|c)?js$/, '.$1ts'))
    .flatMap((path) =>
      [path, `${path}.ts`, join(path, 'index.ts')].filter((candidate) => known.has(candidate)).slice(0, 1),
    );
}

const files = roots.flatMap(sourceFiles);
const known = new Set(files);
const graph = new Map(files.map((file) => [file, importsOf(file, known)]));

// Depth-first search; a file met again while still on the path closes a cycle.
const cycles = [];
const state = new Map(); // undefined: unseen, 1: on the current path, 2: done
function visit(file, path) {
  state.set(file, 1);
  path.push(file);
  for (const next of graph.get(file)) {
    if (state.get(next) === 1) cycles.push([...path.slice(path.indexOf(next)), next]);
    else if (state.get(next) === undefined) visit(next, path);
  }
  path.pop();
  state.set(file, 2);
}
for (const file of files) if (state.get(file) === undefined) visit(file, []);

if (cycles.length > 0) {
  for (const cycle of cycles) {
    console.error(`import cycle: ${cycle.map((file) => relative(process.cwd(), file)).join(' -> ')}`);
  }
  process.exit(1);
}
console.log(`no import cycles among ${files.length} files`);
