import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ROOT } from './markdown-links.js';

// A merge that commits its conflict markers passes tsc and eslint when they sit in prose, and prettier turns
// `>>>>>>> main` into a block quote (`> > > > > > > main`): both spellings are looked for.
const MARKER = /^\s*(<{7} |={7}$|>{7} |(> ){7})/m;

describe('the repository: no merge left half done', () => {
  it('no tracked text file holds a conflict marker', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((file) => /\.(md|ts|mjs|js|json|ya?ml|sh)$/.test(file) || file === '.ci/run');
    expect(files.length).to.be.greaterThan(100);
    const marked = files.filter((file) => MARKER.test(readFileSync(join(ROOT, file), 'utf8')));
    expect(marked).to.deep.equal([]);
  });
});
