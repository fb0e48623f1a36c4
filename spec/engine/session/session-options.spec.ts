import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Jam, JamError } from 'koa-jam';
import { rejectsWith } from '../../helpers/errors.js';
import { runWithoutPackage } from '../../helpers/without-package.js';

function configError(fn: () => unknown): JamError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(JamError).with.property('code', 'ERR_CONFIG');
    return err as JamError;
  }
  return expect.fail('expected ERR_CONFIG');
}

describe('the session config', () => {
  afterEach(() => delete process.env.JAM_SESSION_ENCRYPTION_KEY);

  it('names the option that is wrong', () => {
    const cases: Array<[object, string]> = [
      [{ ttl: 0 }, 'session.ttl'],
      [{ ttl: '60' }, 'session.ttl'],
      [{ rolling: 'yes' }, 'session.rolling'],
      [{ storeTimeout: -1 }, 'session.storeTimeout'],
      [{ maxPerKey: 0 }, 'session.maxPerKey'],
      [{ maxPerKey: 2.5 }, 'session.maxPerKey'],
      [{ maxPerKey: 10_001 }, 'session.maxPerKey must be at most 10000'],
      [{ store: 42 }, 'session.store'],
      [{ store: 'memcached://localhost' }, 'unsupported store URL scheme memcached'],
      [{ expire: 60 }, 'session.expire'],
    ];
    for (const [session, message] of cases) {
      expect(configError(() => new Jam({ session } as never)).message).to.contain(message);
    }
  });

  it('takes an encryption key of 32 bytes as hex, base64 or base64url, from the config or the environment', async () => {
    const key = randomBytes(32);
    const ids: string[] = [];
    for (const encryptionKey of [
      key.toString('hex'),
      key.toString('base64'),
      key.toString('base64url'),
      key,
    ]) {
      const jam = new Jam({ session: { encryptionKey } });
      ids.push(await jam.createSession('alice', { user: 1 }));
      expect(ids.at(-1)).to.match(/^s1\./);
    }
    process.env.JAM_SESSION_ENCRYPTION_KEY = key.toString('base64url');
    expect(await new Jam({ session: {} }).createSession('alice', {})).to.match(/^s1\./);
  });

  it('refuses any other key without echoing it, and says how to make one', () => {
    const secret = 'my-secret-passphrase-that-is-not-a-key';
    for (const encryptionKey of [
      secret,
      randomBytes(31).toString('hex'),
      randomBytes(33).toString('base64'),
      randomBytes(16),
    ]) {
      const err = configError(() => new Jam({ session: { encryptionKey } }));
      expect(err.message).to.contain('session.encryptionKey').and.contain('randomBytes(32)');
      expect(err.message).not.to.contain(secret);
    }
    process.env.JAM_SESSION_ENCRYPTION_KEY = 'short';
    expect(configError(() => new Jam({ session: {} })).message).to.contain('JAM_SESSION_ENCRYPTION_KEY');
  });

  it('throws ERR_CONFIG naming the section when a session method is called without one', async () => {
    const jam = new Jam({});
    const err = await rejectsWith(jam.createSession('alice', {}), 'ERR_CONFIG');
    expect(err.message).to.contain('session');
    await rejectsWith(jam.getSession('x'), 'ERR_CONFIG');
  });

  it('fails at construction with the npm install line when the adapter of a URL is not installed', function () {
    this.timeout(20_000);
    const script = `
        const { Jam } = require('./dist/index.js');
        try { new Jam({ session: { store: 'sqlite://db.sqlite' } }); console.log('constructed'); }
        catch (err) { console.log(err.code + ': ' + err.message); }`;
    expect(runWithoutPackage('@keyv/sqlite', script)).to.equal(
      'ERR_CONFIG: session.store uses @keyv/sqlite, which is not installed; run: npm install @keyv/sqlite',
    );
  });
});
