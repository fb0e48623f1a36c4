import { execFile } from 'node:child_process';
import { expect } from 'chai';

describe('examples/demo (npm run demo)', () => {
  it('walks the controllers, JWT and IdP sign-in examples, every step as expected, exits 0 and stops its server', async function () {
    this.timeout(30_000);
    const { NODE_ENV: _unset, ...env } = process.env; // as a newcomer runs it
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ['build/examples/demo.js'],
        { env, timeout: 25_000 },
        (err, out) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout: out }),
      );
      child.stdin?.end();
    });
    expect(stdout).to.include('every step behaved as expected');
    expect(stdout).not.to.include('FAIL');
    expect(stdout).to.include('Hello, demo@example.com'); // signed in with the Example IdP
    expect(code, stdout).to.equal(0);
  });
});
