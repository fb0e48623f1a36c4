import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { JamError, type JamErrorCode } from 'koa-jam';
import { ROOT } from './markdown-links.js';

/** The rows of the table between `<!-- errors -->` and `<!-- /errors -->` in docs/errors.md. */
function documentedCodes(): Map<string, number> {
  const page = readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8');
  const table = /<!-- errors -->([\s\S]*?)<!-- \/errors -->/.exec(page)?.[1] ?? '';
  const rows = [...table.matchAll(/^\|\s*`(ERR_[A-Z0-9_]+)`\s*\|\s*(\d{3})\s*\|/gm)];
  return new Map(rows.map(([, code, status]) => [code, Number(status)]));
}

describe('docs/errors.md', () => {
  it('lists every code of the error module, each with the status JamError gives it', () => {
    const documented = documentedCodes();
    const source = readFileSync(join(ROOT, 'src', 'engine', 'jam-error.ts'), 'utf8');
    const codes = new Set(source.match(/\bERR_[A-Z0-9_]+\b/g));
    expect([...documented.keys()].sort()).to.deep.equal([...codes].sort());
    for (const [code, status] of documented) {
      expect(new JamError(code as JamErrorCode, 'x').status, code).to.equal(status);
    }
  });
});
