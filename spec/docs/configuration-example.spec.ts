import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Jam } from 'koa-jam';
import { ROOT } from './markdown-links.js';

describe('docs/configuration.md: the example config file', () => {
  const saved = { key: process.env.JWT_PRIVATE_KEY, issuer: process.env.JWT_ISSUER };
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'koa-jam-config-'))));
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    for (const [name, value] of [
      ['JWT_PRIVATE_KEY', saved.key],
      ['JWT_ISSUER', saved.issuer],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('loads as the page says: ${VAR} from the environment, ${VAR:-default} when unset', async () => {
    const page = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');
    const example = /```json\n([\s\S]*?)```/.exec(page)?.[1];
    expect(example, 'a ```json block').to.be.a('string');
    const file = join(dir, 'jam.json');
    writeFileSync(file, example!);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    process.env.JWT_PRIVATE_KEY = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    delete process.env.JWT_ISSUER;

    const jam = new Jam(file);
    try {
      const payload = jam.makePayload({ sub: 'alice' });
      expect(payload).to.include({ iss: 'https://auth.example.com', exp: payload.iat! + 900 });
      const token = await jam.genJwtToken(payload);
      expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).to.include({
        alg: 'ES256',
      });
      expect(await jam.verifyJwtToken(token)).to.include({ sub: 'alice' });
      expect(jam.sessionLifetime()).to.deep.equal({ ttl: 3600, rolling: true });
      expect(jam.getOtpCode('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')).to.match(/^\d{6}$/);
    } finally {
      await jam.close();
    }
  });
});
