import { expect } from 'chai';
import { Jam } from 'koa-jam';
import { rejectsWith, throwsWith } from '../../helpers/errors.js';
import { runWithoutPackage } from '../../helpers/without-package.js';
import { PASSKEYS } from './passkey-app.js';

const configError = (fn: () => unknown) => throwsWith(fn, 'ERR_CONFIG');

describe('the passkeys config', () => {
  it('defaults the name to the RP id and the origin to https://<rpId>', async () => {
    const jam = new Jam({ passkeys: { rpId: 'example.com' } });
    const options = await jam.passkeyRegistrationOptions({ id: 'u', name: 'u' });
    expect(options.rp).to.deep.equal({ name: 'example.com', id: 'example.com' });
    await jam.close();
  });

  it('refuses unknown options, bad RP ids and origins off the RP id, by name', () => {
    expect(configError(() => new Jam({ passkeys: { ...PASSKEYS, rpID: 'x' } as never })).message).to.contain(
      'unknown option passkeys.rpID',
    );
    for (const rpId of [undefined, '', 'https://example.com', 'example.com:443', 'Example.com', '-a.com'])
      expect(configError(() => new Jam({ passkeys: { rpId } as never })).message).to.contain('passkeys.rpId');
    for (const origins of [
      'https://evil.example',
      'https://notexample.com',
      'https://example.com/',
      'ftp://example.com',
      [],
    ])
      expect(configError(() => new Jam({ passkeys: { rpId: 'example.com', origins } })).message).to.contain(
        'passkeys.origins',
      );
    for (const [key, value] of [
      ['userVerification', 'sometimes'],
      ['challengeLifetime', 0],
      ['rpName', ''],
      ['store', 'memcached://x'],
    ] as const)
      expect(configError(() => new Jam({ passkeys: { ...PASSKEYS, [key]: value } })).message).to.contain(
        `passkeys.${key}`,
      );
  });

  it('accepts origins on subdomains and other ports of the RP id', async () => {
    const jam = new Jam({
      passkeys: { rpId: 'localhost', origins: ['http://localhost:3000', 'http://app.localhost:8080'] },
    });
    await jam.close();
  });

  it('throws ERR_CONFIG naming the section when a passkey method is called without one', async () => {
    const jam = new Jam({});
    const err = await rejectsWith(jam.passkeyLoginOptions(), 'ERR_CONFIG');
    expect(err.message).to.contain('passkeys');
  });

  it('loads @simplewebauthn/server only when configured; missing, it is ERR_CONFIG with the npm install line', function () {
    this.timeout(20_000);
    const script = `
      const { Jam } = require('./dist/index.js');
      new Jam({ session: {}, otp: {} });
      const loaded = () => Object.keys(require.cache).some((f) => f.includes('@simplewebauthn'));
      console.log('without passkeys: ' + loaded());
      try { new Jam({ passkeys: { rpId: 'example.com' } }); console.log('constructed'); }
      catch (err) { console.log(err.code + ': ' + err.message); }`;
    expect(runWithoutPackage('@simplewebauthn/server', script).split('\n')).to.deep.equal([
      'without passkeys: false',
      'ERR_CONFIG: passkeys uses @simplewebauthn/server, which is not installed; run: npm install @simplewebauthn/server',
    ]);
  });
});
