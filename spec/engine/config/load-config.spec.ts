import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Jam } from 'koa-jam';
import { throwsWith } from '../../helpers/errors.js';
import { runCli } from '../../helpers/run-cli.js';
import { SECRET } from '../../helpers/keys.js';

function writeConfig(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'koa-jam-')), 'jam.json');
  writeFileSync(file, content);
  return file;
}

const configError = (fn: () => unknown) => throwsWith(fn, 'ERR_CONFIG');

const PRINTABLE_LINE = /^[\x20-\x7e]*$/;

describe('loadConfig (a config file)', () => {
  const env = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
  });

  it('refuses a nested default instead of keeping its text as a (public) secret', () => {
    delete process.env.KOA_JAM_SPEC_UNSET;
    const nested = writeConfig(
      JSON.stringify({ jwt: { secretKey: '${KOA_JAM_SPEC_UNSET:-${PRODUCTION_SECRET}}' } }),
    );
    const err = configError(() => new Jam(nested));
    expect(err.message).to.contain('config.jwt.secretKey').and.contain('nested defaults are not supported');
    // Refused whether or not the inner variable is set: the text is never substituted halfway.
    process.env.PRODUCTION_SECRET = SECRET;
    configError(() => new Jam(nested));
  });

  it('refuses any `${` left that is not a complete reference', () => {
    process.env.KOA_JAM_SPEC_SECRET = SECRET;
    for (const value of [
      '${KOA_JAM_SPEC_SECRET',
      'prefix-${lower-case}-0123456789012345678901234567890123',
      '${KOA_JAM_SPEC_SECRET}${',
      '${KOA_JAM_SPEC_SECRET:-${}',
    ]) {
      configError(() => new Jam(writeConfig(JSON.stringify({ jwt: { secretKey: value } }))));
    }
    // A `$` that starts no reference is plain text, and a substituted value is not read again.
    process.env.KOA_JAM_SPEC_SECRET = `${SECRET}\${NOT_A_REFERENCE}`;
    const jam = new Jam(
      writeConfig(JSON.stringify({ jwt: { secretKey: '${KOA_JAM_SPEC_SECRET}', issuer: 'a$b' } })),
    );
    expect(jam.makePayload({}).iss).to.equal('a$b');
  });

  it('says where a file is not JSON without quoting it (the text may be a secret)', () => {
    const quoted = writeConfig(`{ "jwt": {\n  "secretKey": 'TOP-SECRET-VALUE-0123456789-0123456789' } }`);
    const err = configError(() => new Jam(quoted));
    expect(err.message).to.contain('not valid JSON').and.not.contain('SECRET');
    expect(err.message).to.match(PRINTABLE_LINE);
    const positioned = configError(
      () => new Jam(writeConfig('{\n  "jwt": { "secretKey": "TOP-SECRET", }\n}')),
    );
    expect(positioned.message).to.contain('(line 2, column').and.not.contain('SECRET');
  });

  it('the CLI prints no part of a config file that is not JSON', async () => {
    const file = writeConfig(`{ "jwt": { "secretKey": 'TOP-SECRET-VALUE-0123456789-0123456789' } }`);
    const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = `${segment({ alg: 'HS256', typ: 'JWT' })}.${segment({ sub: 'ann' })}.AAAA`;
    const { code, stderr } = await runCli(['token', 'verify', token, '--config', file]);
    expect(code).to.equal(2);
    expect(stderr).to.contain('not valid JSON').and.not.contain('SECRET');
  });
});
