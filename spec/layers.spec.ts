import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { ESLint } from 'eslint';

const ROOT = dirname(require.resolve('koa-jam/package.json'));
const CYCLES_SCRIPT = join(ROOT, 'scripts/import-cycles.mjs');

/** The messages of the layer rule for `code` as if it were the file `path` of the repository. */
async function layerErrors(path: string, code: string): Promise<string[]> {
  const [result] = await new ESLint({ cwd: ROOT }).lintText(code, { filePath: join(ROOT, path) });
  return result.messages
    .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports')
    .map((m) => m.message);
}

async function importCycles(...dirs: string[]): Promise<{ code: number; output: string }> {
  return promisify(execFile)(process.execPath, [CYCLES_SCRIPT, ...dirs], { cwd: ROOT }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (err: { code: number; stderr: string }) => ({ code: err.code, output: err.stderr }),
  );
}

describe('npm run lint: layers and import cycles', function () {
  this.timeout(30_000);

  it('refuses an engine module importing Koa or the Koa edge', async () => {
    const code =
      "import type { Context } from 'koa';\nimport { requirePayload } from '../koa/require-payload.js';\n";
    const errors = await layerErrors('src/engine/probe.ts', code);
    expect(errors).to.have.length(2);
    expect(errors[0]).to.include('Koa belongs to src/koa');
  });

  it('refuses the Koa edge importing routing-controllers or the engine insides', async () => {
    const code =
      "import { HttpError } from 'routing-controllers';\n" +
      "import { checkSection } from '../engine/config/load-config.js';\n" +
      "import { JamError } from '../engine/jam-error.js';\n";
    const errors = await layerErrors('src/koa/probe.ts', code);
    expect(errors).to.have.length(2);
    expect(errors.join('\n')).to.include('routing-controllers').and.to.include('not its insides');
  });

  it('lets each layer import the ones below it, and the engine types', async () => {
    const code =
      "import { JamError } from '../engine/jam-error.js';\nimport { checkSection } from '../shared/option-checks.js';\n" +
      "import type { JwtOptions } from '../engine/jwt/jwt-options.js';\n";
    for (const layer of ['koa', 'routing-controllers']) {
      expect(await layerErrors(`src/${layer}/probe.ts`, code), layer).to.deep.equal([]);
    }
  });

  it('keeps spec/ and bench/ apart: what both use lives in test-support/', async () => {
    const fromSpec = "import { race } from '../spec/helpers/racer.js';\n";
    expect(await layerErrors('bench/probe.ts', fromSpec)).to.have.length(1);
    const fromBoth = `${fromSpec}import { startServer } from '../bench/measure.js';\n`;
    const errors = await layerErrors('test-support/probe.ts', fromBoth);
    expect(errors).to.have.length(2);
    expect(errors.join('\n')).to.include('nothing outside spec/').and.to.include('nothing outside bench/');
    const shared = "import { startRedis } from '../test-support/redis-server.js';\n";
    expect(await layerErrors('bench/probe.ts', shared)).to.deep.equal([]);
    expect(await layerErrors('spec/probe.ts', shared.replace('..', '.'))).to.deep.equal([]);
  });

  it('fails on an import cycle, naming it, and passes on the sources', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'koa-jam-cycle-'));
    try {
      writeFileSync(join(dir, 'a.ts'), "import { b } from './b.js';\nexport const a = () => b;\n");
      writeFileSync(
        join(dir, 'b.ts'),
        "import type { a } from './a.js';\nexport const b = 1 as unknown as typeof a;\n",
      );
      writeFileSync(join(dir, 'c.ts'), "import { a } from './a.js';\nexport const c = a;\n");
      const cyclic = await importCycles(dir);
      expect(cyclic.code).to.equal(1);
      expect(cyclic.output).to.match(/import cycle: .*a\.ts -> .*b\.ts -> .*a\.ts/);
      expect(cyclic.output).not.to.include('c.ts');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const clean = await importCycles('src', 'spec', 'bench', 'examples', 'test-support');
    expect(clean).to.include({ code: 0 });
  });
});
