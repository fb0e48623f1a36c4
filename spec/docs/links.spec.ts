import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { brokenLink, headingAnchors, markdownFiles, relativeLinks, ROOT } from './markdown-links.js';

describe('Documentation links', () => {
  it('every relative link and #anchor in README.md, SECURITY.md, DEVELOPERS.md and docs/*.md resolves', () => {
    const files = markdownFiles();
    expect(files.length).to.be.greaterThan(10);
    const broken: string[] = [];
    let checked = 0;
    for (const file of files) {
      for (const target of relativeLinks(readFileSync(file, 'utf8'))) {
        checked += 1;
        const problem = brokenLink(file, target);
        if (problem) broken.push(problem);
      }
    }
    expect(broken).to.deep.equal([]);
    expect(checked).to.be.greaterThan(50);
  });

  it('the checker finds a missing file, a missing anchor and a link that leaves the repository', () => {
    const readme = join(ROOT, 'README.md');
    expect(brokenLink(readme, 'docs/jwt.md#options')).to.equal(undefined);
    expect(brokenLink(readme, 'docs/no-such-page.md')).to.match(/no such file/);
    expect(brokenLink(readme, 'docs/jwt.md#no-such-heading')).to.match(/no heading/);
    expect(brokenLink(readme, '../outside.md')).to.match(/leaves the repository/);
    expect(brokenLink(readme, '#quick-start')).to.equal(undefined);
  });

  it('reads links the way GitHub renders them: not in code, anchors from headings', () => {
    const markdown = [
      '# `new Jam(config)`',
      '## One-time passwords (2FA)',
      '## Options',
      '## Options',
      '```md',
      '[not a link](nowhere.md)',
      '```',
      'See `[code](nowhere.md)` and [a page](a.md#x), [a site](https://example.com), ![img](b.svg).',
    ].join('\n');
    expect(relativeLinks(markdown)).to.deep.equal(['a.md#x', 'b.svg']);
    expect([...headingAnchors(markdown)]).to.deep.equal([
      'new-jamconfig',
      'one-time-passwords-2fa',
      'options',
      'options-1',
    ]);
  });
});
