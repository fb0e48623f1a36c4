import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Jam, JamError } from 'koa-jam';
import { SECRET } from '../helpers/keys.js';

function writeConfig(content: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'koa-jam-')), 'jam.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function configError(fn: () => unknown): JamError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(JamError);
    expect((err as JamError).code).to.equal('ERR_CONFIG');
    return err as JamError;
  }
  return expect.fail('expected ERR_CONFIG');
}

describe('Jam', () => {
  describe('config', () => {
    const env = { ...process.env };
    afterEach(() => {
      for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
    });

    it('reads a JSON file, replacing ${VAR} and ${VAR:-default} from the environment', async () => {
      process.env.KOA_JAM_SPEC_SECRET = SECRET;
      const jam = new Jam(
        writeConfig({
          jwt: { secretKey: '${KOA_JAM_SPEC_SECRET}', expire: 60, issuer: '${KOA_JAM_SPEC_ISS:-spec}' },
        }),
      );
      const payload = jam.makePayload({ sub: '1' });
      expect(payload.iss).to.equal('spec');
      expect(payload.exp! - payload.iat!).to.equal(60);
      expect(await jam.verifyJwtToken(await jam.genJwtToken(payload))).to.deep.equal(payload);
    });

    it('names a variable that is missing and has no default', () => {
      const err = configError(() => new Jam(writeConfig({ jwt: { secretKey: '${KOA_JAM_SPEC_MISSING}' } })));
      expect(err.message).to.contain('KOA_JAM_SPEC_MISSING');
    });

    it('says why a file cannot be used', () => {
      expect(configError(() => new Jam('/nonexistent/jam.json')).message).to.contain(
        'cannot read config file',
      );
      expect(configError(() => new Jam(writeConfig('{ not json'))).message).to.contain('not valid JSON');
    });

    it('rejects an unknown section or option, naming it', () => {
      expect(configError(() => new Jam({ jtw: {} } as never)).message).to.contain('config.jtw');
      expect(
        configError(() => new Jam({ jwt: { secretKey: SECRET, expires: 5 } } as never)).message,
      ).to.contain('jwt.expires');
    });

    it('throws ERR_CONFIG naming the section when a JWT method is called without a jwt section', async () => {
      const jam = new Jam({});
      expect(configError(() => jam.makePayload({})).message).to.contain('jwt');
      const err = await jam.genJwtToken({}).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(JamError).with.property('code', 'ERR_CONFIG');
      expect(jam.jwtCacheStats()).to.equal(undefined);
    });

    it('close() resolves when nothing was opened', async () => {
      await new Jam({ jwt: { secretKey: SECRET } }).close();
    });
  });
});
