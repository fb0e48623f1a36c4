import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * Summarises a .cpuprofile written by `npm run bench -- --profile`, without a browser:
 *   node build/bench/profile-summary.js bench/results/profiles/<scenario>.<time>.cpuprofile [top]
 * Prints the functions with the most self time, and the time spent in and under koa-jam's own code
 * (its dist/, not node_modules), as shares of the busy (non-idle) time. Work that resumes after an
 * `await` (a store client reading its reply) starts a new stack, so it is not counted under koa-jam.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, top = '25'] = process.argv.slice(2);
if (!file) throw new Error('usage: node build/bench/profile-summary.js <file.cpuprofile> [top]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const name = ({ callFrame: { functionName, url, lineNumber } }: ProfileNode) =>
  `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;

const busy = profile.nodes
  .filter((node) => node.callFrame.functionName !== '(idle)')
  .reduce((sum, node) => sum + (self.get(node.id) ?? 0), 0);
const share = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;

const selfByName = new Map<string, number>();
for (const node of profile.nodes) {
  if (node.callFrame.functionName === '(idle)') continue;
  selfByName.set(name(node), (selfByName.get(name(node)) ?? 0) + (self.get(node.id) ?? 0));
}

/** Time in and under the outermost koa-jam frames (not counted twice when koa-jam calls koa-jam). */
const ownCode = ({ callFrame: { url } }: ProfileNode) =>
  url.includes('/dist/') && !url.includes('/node_modules/');
const totals = new Map<string, number>();
const subtree = (node: ProfileNode): number =>
  (self.get(node.id) ?? 0) + (node.children ?? []).reduce((sum, id) => sum + subtree(byId.get(id)!), 0);
const walk = (node: ProfileNode, inside: boolean) => {
  const entering = !inside && ownCode(node);
  if (entering) totals.set(name(node), (totals.get(name(node)) ?? 0) + subtree(node));
  for (const id of node.children ?? []) walk(byId.get(id)!, inside || entering);
};
walk(profile.nodes[0], false);

console.log(`${basename(file)}: ${(busy / 1000).toFixed(0)} ms busy\n\nself time:`);
for (const [fn, us] of [...selfByName].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
  console.log(`${share(us)}  ${fn}`);
}
const own = [...totals].reduce((sum, [, us]) => sum + us, 0);
console.log(`\nin and under koa-jam's code: ${share(own).trim()} of busy time`);
for (const [fn, us] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 10))
  console.log(`${share(us)}  ${fn}`);
