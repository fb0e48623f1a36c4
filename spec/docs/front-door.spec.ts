import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { relativeLinks, ROOT } from './markdown-links.js';

describe('README.md and docs/README.md: the way in', () => {
  it('README.md stays under 12 KB and keeps the two quick-start commands', () => {
    const readme = join(ROOT, 'README.md');
    expect(statSync(readme).size).to.be.below(12 * 1024);
    const text = readFileSync(readme, 'utf8');
    expect(text).to.match(/^npm ci && npm run demo\b/m);
    expect(text).to.match(/^npm test\b/m);
  });

  it('the docs index links every page under docs/, and the README links the index', () => {
    const index = readFileSync(join(ROOT, 'docs', 'README.md'), 'utf8');
    const linked = new Set(relativeLinks(index).map((target) => target.split('#')[0]));
    const pages = readdirSync(join(ROOT, 'docs')).filter(
      (name) => name.endsWith('.md') && name !== 'README.md',
    );
    expect(pages.length).to.be.greaterThan(8);
    expect(pages.filter((page) => !linked.has(page))).to.deep.equal([]);
    expect(relativeLinks(readFileSync(join(ROOT, 'README.md'), 'utf8'))).to.include('docs/README.md');
  });
});
