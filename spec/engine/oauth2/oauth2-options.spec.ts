import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { Jam, type OAuth2ProviderOptions } from 'koa-jam';
import { rejectsWith } from '../../helpers/errors.js';
import { runWithoutPackage } from '../../helpers/without-package.js';

const example: OAuth2ProviderOptions = {
  issuer: 'https://idp.example.com',
  clientId: 'app',
  clientSecret: 'secret',
  redirectUri: 'https://app.example.com/auth/example/callback',
};

function configError(provider: object, extra: object = {}): string {
  try {
    new Jam({ oauth2: { providers: { example: provider as unknown as OAuth2ProviderOptions }, ...extra } });
  } catch (err) {
    expect(err).to.have.property('code', 'ERR_CONFIG');
    return (err as Error).message;
  }
  return expect.fail('expected ERR_CONFIG');
}

describe('oauth2 options', () => {
  it('accepts an OIDC provider by issuer, a preset, and explicit endpoints, and lists them', async () => {
    const jam = new Jam({
      oauth2: {
        providers: {
          example,
          github: {
            preset: 'github',
            clientId: 'id',
            clientSecret: 's',
            redirectUri: 'https://app.example.com/cb',
          },
          manual: {
            ...example,
            authorizationEndpoint: 'https://idp.example.com/authorize',
            tokenEndpoint: 'https://idp.example.com/token',
            jwksUri: 'https://idp.example.com/jwks',
          },
        },
      },
    });
    expect(jam.oauth2Providers()).to.deep.equal(['example', 'github', 'manual']);
    await jam.close();
  });

  it('refuses http:// except on loopback hosts, whatever the option', () => {
    for (const option of ['issuer', 'redirectUri']) {
      expect(configError({ ...example, [option]: 'http://idp.example.com' })).to.contain(
        `oauth2.providers.example.${option} must use https://`,
      );
    }
    expect(configError({ ...example, issuer: 'ftp://idp.example.com' })).to.contain(
      'must be an https:// URL',
    );
    expect(configError({ ...example, issuer: 'not a url' })).to.contain('must be an https:// URL');
    for (const host of ['127.0.0.1:8080', '[::1]:8080', 'localhost']) {
      new Jam({
        oauth2: {
          providers: { example: { ...example, issuer: `http://${host}`, redirectUri: `http://${host}/cb` } },
        },
      });
    }
  });

  it('refuses unknown options, presets and provider names by name', () => {
    expect(configError({ ...example, clientSecert: 'x' })).to.contain(
      'unknown option oauth2.providers.example.clientSecert',
    );
    expect(configError(example, { ttl: 0 })).to.contain('oauth2.ttl must be a positive number');
    expect(configError(example, { tll: 5 })).to.contain('unknown option oauth2.tll');
    expect(configError({ ...example, preset: 'myspace' })).to.contain(
      'oauth2.providers.example.preset must be one of github, google, gitlab, yandex',
    );
    expect(() => new Jam({ oauth2: { providers: { 'a/b': example } } })).to.throw(
      /"a\/b" is not a valid provider name/,
    );
    expect(() => new Jam({ oauth2: { providers: {} } })).to.throw(/at least one provider/);
  });

  it('says what a provider lacks', () => {
    const { redirectUri: _r, ...noRedirect } = example;
    expect(configError(noRedirect)).to.contain('oauth2.providers.example.redirectUri is required');
    const { issuer: _i, ...noIssuer } = example;
    expect(configError(noIssuer)).to.contain('issuer is required for OpenID Connect');
    expect(configError({ ...example, tokenEndpoint: 'https://idp.example.com/token' })).to.contain(
      'needs authorizationEndpoint, jwksUri (or only issuer, for discovery)',
    );
    expect(configError({ ...noIssuer, scope: 'read' })).to.contain(
      'needs authorizationEndpoint, tokenEndpoint, userinfoEndpoint',
    );
    expect(configError({ ...example, clientId: '' })).to.contain(
      'oauth2.providers.example.clientId must be a non-empty string',
    );
  });

  it('beginLogin and completeLogin without an oauth2 section, or for an unknown provider, are ERR_CONFIG', async () => {
    const none = new Jam({});
    expect(none.oauth2Providers()).to.deep.equal([]);
    await rejectsWith(none.beginLogin('example'), 'ERR_CONFIG');
    const jam = new Jam({ oauth2: { providers: { example } } });
    const err = await rejectsWith(jam.completeLogin('other', { query: '' }), 'ERR_CONFIG');
    expect(err.message).to.contain('no provider named "other"');
  });

  describe('openid-client, an optional peer', () => {
    const run = (script: string) =>
      execFileSync(process.execPath, ['-e', script], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }).trim();
    const config = JSON.stringify({ oauth2: { providers: { example } } });

    it('is loaded only when the oauth2 section is configured', () => {
      const loaded = (section: string) =>
        run(
          `const { Jam } = require('koa-jam'); new Jam(${section});` +
            "console.log(Object.keys(require.cache).some((f) => f.includes('/node_modules/openid-client/')))",
        );
      expect(loaded('{ session: {} }')).to.equal('false');
      expect(loaded(config)).to.equal('true');
    });

    it('missing, makes the oauth2 section ERR_CONFIG naming it', () => {
      const script = `const { Jam } = require('./dist/index.js');
        try { new Jam(${config}); console.log('constructed'); } catch (err) { console.log(err.code + ': ' + err.message); }`;
      expect(runWithoutPackage('openid-client', script)).to.equal(
        'ERR_CONFIG: oauth2 uses openid-client, which is not installed; run: npm install openid-client',
      );
    });
  });
});
