/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS users are the point of this spec */
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
      'fromCookie',
      'fromBearerHeader',
      'generateOtpSecret',
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
});
