/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS users are the point of this spec */
import { execFileSync } from 'node:child_process';
import { expect } from 'chai';

describe('the koa-jam package', () => {
  it('loads with require and with import, exporting the same API', async () => {
    const cjs = require('koa-jam');
    const esm = await import('koa-jam');
    for (const name of [
      'Jam',
      'JamError',
      'isJamError',
      'jamJwt',
      'jamJwks',
      'jamContext',
      'requirePayload',
      'requirePermission',
      'fromCookie',
      'fromBearerHeader',
      'generateOtpSecret',
      'generateRecoveryCodes',
      'hashPassword',
      'verifyPassword',
      'needsRehash',
      'generateSecretKey',
      'generateRsaKeyPair',
      'generateEcKeyPair',
      'generateEncryptionKey',
      'jamSession',
      'setSessionCookie',
      'clearSessionCookie',
      'jamCsrf',
      'MemoryStore',
    ]) {
      expect(cjs[name], name).to.be.a('function');
      expect((esm as Record<string, unknown>)[name], name).to.equal(cjs[name]);
    }
  });

  it('keeps internals private', () => {
    expect(() => require('koa-jam/dist/engine/jwt/jwt-service.js'))
      .to.throw()
      .with.property('code', 'ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  it('loads routing-controllers only for koa-jam/routing-controllers, an optional peer', () => {
    // A fresh process: this one has loaded routing-controllers for other specs.
    const loaded = (entry: string) =>
      execFileSync(
        process.execPath,
        [
          '-e',
          `require(${JSON.stringify(entry)});` +
            "console.log(Object.keys(require.cache).some((f) => f.includes('/node_modules/routing-controllers/')))",
        ],
        { encoding: 'utf8' },
      ).trim();
    expect(loaded('koa-jam')).to.equal('false');
    expect(loaded('koa-jam/routing-controllers')).to.equal('true');
    const subpath = require('koa-jam/routing-controllers');
    for (const name of ['jamAuthorizationChecker', 'jamCurrentUserChecker', 'jamErrorHandler', 'Payload']) {
      expect(subpath[name], name).to.be.a('function');
    }
    expect(require('koa-jam/package.json').peerDependenciesMeta['routing-controllers']).to.deep.equal({
      optional: true,
    });
  });
});
