import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import jsonwebtoken from 'jsonwebtoken';
import Koa from 'koa';
import { Jam, jamJwt, requirePayload, requirePermission, type JamConfig } from 'koa-jam';
import request from 'supertest';
import { freezeClock, type FrozenClock } from '../../helpers/clock.js';
import { rejectsWith, throwsWith } from '../../helpers/errors.js';
import { eventually } from '../../helpers/eventually.js';
import { listenLoopback } from '../../helpers/loopback-server.js';
import { runWithoutPackage } from '../../helpers/without-package.js';
import {
  providerKey,
  startResourceIdp,
  type ProviderKey,
  type ResourceIdp,
} from '../../helpers/resource-idp.js';

const COOLDOWN = 30;
const MAX_AGE = 120;

function remoteJam(idp: ResourceIdp, jwks: object = { uri: `${idp.issuer}/jwks` }): Jam {
  return new Jam({
    jwt: {
      jwks: { cooldown: COOLDOWN, cacheMaxAge: MAX_AGE, timeout: 2000, ...jwks },
      algorithms: ['RS256', 'ES256'],
      issuer: idp.issuer,
      audience: 'orders-api',
    },
    authz: { claims: ['scope'] },
  });
}

/** A token the provider never issued: signed with `key`, with any header. */
function forged(key: ProviderKey | object, header: object, claims: object = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const privateKey = createPrivateKey({ key: key as never, format: 'jwk' });
  return jsonwebtoken.sign(
    { sub: 'mallory', aud: 'orders-api', iat: now, exp: now + 60, ...claims },
    privateKey,
    {
      algorithm: 'RS256',
      header: header as jsonwebtoken.JwtHeader,
    },
  );
}

function app(jam: Jam) {
  const koa = new Koa();
  koa.silent = true;
  koa.use(jamJwt(jam));
  koa.use(async (ctx, next) => {
    await next();
    ctx.set('x-auth-error', ctx.state.authError?.code ?? '');
  });
  koa.use(requirePayload()).use(requirePermission('orders:read'));
  koa.use((ctx) => (ctx.body = { sub: ctx.state.payload!.sub }));
  return koa.callback();
}

describe('jwt.jwks: tokens of an identity provider (real oidc-provider on loopback)', function () {
  this.timeout(30_000);
  let clock: FrozenClock;
  let idp: ResourceIdp;
  let key: ProviderKey;
  beforeEach(async () => {
    clock = freezeClock(Date.now());
    key = providerKey();
    idp = await startResourceIdp([key]);
  });
  afterEach(async () => {
    clock.uninstall();
    await idp.stop();
  });

  it('verifies the provider’s JWT access token on koa-jam’s path, keys fetched once on first use', async () => {
    const jam = remoteJam(idp);
    expect(idp.jwksFetches()).to.equal(0);
    const token = await idp.accessToken();
    const payload = await jam.verifyJwtToken(token);
    expect(payload).to.include({
      sub: 'orders-worker',
      aud: 'orders-api',
      iss: idp.issuer,
      scope: 'orders:read',
    });
    await jam.verifyJwtToken(await idp.accessToken());
    expect(idp.jwksFetches()).to.equal(1);
    await request(app(jam))
      .get('/')
      .set('Authorization', `Bearer ${token}`)
      .expect(200, { sub: 'orders-worker' });
    expect(jam.jwks()).to.deep.equal({ keys: [] });
  });

  it('revokes the provider’s tokens by subject (jwt.list)', async () => {
    const jam = new Jam({
      jwt: {
        jwks: { uri: `${idp.issuer}/jwks` },
        issuer: idp.issuer,
        audience: 'orders-api',
        list: { type: 'black' },
      },
    });
    const token = await idp.accessToken();
    await jam.verifyJwtToken(token);
    await jam.revokeSubject('orders-worker');
    await rejectsWith(jam.verifyJwtToken(token), 'ERR_JWT_REVOKED');
    clock.tick(1000);
    expect(await jam.verifyJwtToken(await idp.accessToken())).to.include({ sub: 'orders-worker' });
  });

  it('finds the JWK Set through discovery', async () => {
    const jam = remoteJam(idp, { issuer: idp.issuer });
    expect(await jam.verifyJwtToken(await idp.accessToken())).to.include({ sub: 'orders-worker' });
  });

  it('refuses a token for another audience and one from another issuer signed with the same key', async () => {
    const jam = remoteJam(idp);
    const billing = await rejectsWith(
      jam.verifyJwtToken(await idp.accessToken('https://billing.example.com')),
      'ERR_JWT_INVALID',
    );
    expect(billing.check).to.equal('aud');
    const other = await startResourceIdp([key]);
    try {
      const foreign = await rejectsWith(jam.verifyJwtToken(await other.accessToken()), 'ERR_JWT_INVALID');
      expect(foreign.check).to.equal('iss');
    } finally {
      await other.stop();
    }
  });

  it('re-fetches on unknown kids at most once per cooldown', async () => {
    const jam = remoteJam(idp);
    await jam.verifyJwtToken(await idp.accessToken());
    expect(idp.jwksFetches()).to.equal(1);
    const stranger = providerKey();
    for (let i = 0; i < 20; i++) {
      const err = await rejectsWith(
        jam.verifyJwtToken(forged(stranger, { kid: `random-${i}` })),
        'ERR_JWT_INVALID',
      );
      expect(err.check).to.equal('kid');
    }
    expect(idp.jwksFetches()).to.equal(1);
    clock.tick(COOLDOWN * 1000);
    for (let i = 0; i < 20; i++) {
      await rejectsWith(jam.verifyJwtToken(forged(stranger, { kid: `again-${i}` })), 'ERR_JWT_INVALID');
    }
    expect(idp.jwksFetches()).to.equal(2);
  });

  it('refuses an HS256 token signed with the provider’s public key, and HS* in jwt.algorithms', async () => {
    const jam = remoteJam(idp);
    await jam.verifyJwtToken(await idp.accessToken());
    const publicKey = createPublicKey(createPrivateKey({ key: key as never, format: 'jwk' }));
    const body = `${b64({ alg: 'HS256', typ: 'JWT', kid: key.kid })}.${b64({ sub: 'mallory', aud: 'orders-api', iss: idp.issuer, exp: 9e9 })}`;
    for (const secret of [
      publicKey.export({ type: 'spki', format: 'pem' }),
      JSON.stringify(publicKey.export({ format: 'jwk' })),
    ]) {
      const token = `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
      expect((await rejectsWith(jam.verifyJwtToken(token), 'ERR_JWT_INVALID')).check).to.equal('alg');
    }
    const config = (algorithms: string[]) =>
      ({
        jwt: { jwks: { uri: `${idp.issuer}/jwks` }, algorithms, issuer: idp.issuer, audience: 'a' },
      }) as JamConfig;
    throwsWith(() => new Jam(config(['RS256', 'HS256'])), 'ERR_CONFIG');
  });

  it('never follows jku, x5u or jwk headers', async () => {
    const attacker = await listenLoopback();
    let hits = 0;
    attacker.handle((_req, res) => {
      hits++;
      res.end('{}');
    });
    try {
      const jam = remoteJam(idp);
      const own = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const jwk = { ...own.privateKey.export({ format: 'jwk' }), kid: 'attacker' };
      const header = {
        kid: 'attacker',
        jku: `${attacker.origin}/jwks`,
        x5u: `${attacker.origin}/cert.pem`,
        jwk: own.publicKey.export({ format: 'jwk' }),
      };
      for (const kid of ['attacker', key.kid]) {
        await rejectsWith(
          jam.verifyJwtToken(forged(jwk, { ...header, kid }, { iss: idp.issuer })),
          'ERR_JWT_INVALID',
        );
      }
      expect(hits).to.equal(0);
    } finally {
      await attacker.close();
    }
  });

  it('fails closed with 503 when the provider is down and no key was ever fetched, then recovers', async () => {
    const token = await idp.accessToken();
    await idp.stop();
    const jam = remoteJam(idp);
    for (let i = 0; i < 3; i++) {
      const res = await request(app(jam)).get('/').set('Authorization', `Bearer ${token}`).expect(503);
      expect(res.body).to.deep.equal({ error: 'Service Unavailable' });
      expect(res.headers['x-auth-error']).to.equal('ERR_PROVIDER_UNAVAILABLE');
    }
    await idp.start();
    // Within the cooldown nothing is fetched, not even once the provider is back.
    await request(app(jam)).get('/').set('Authorization', `Bearer ${token}`).expect(503);
    expect(idp.jwksFetches()).to.equal(0);
    clock.tick(COOLDOWN * 1000);
    await request(app(jam)).get('/').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('keeps serving the cached keys while the provider is down, past cacheMaxAge', async () => {
    const jam = remoteJam(idp);
    await jam.verifyJwtToken(await idp.accessToken());
    const later = await idp.accessToken();
    await idp.stop();
    clock.tick((MAX_AGE + COOLDOWN) * 1000);
    await request(app(jam)).get('/').set('Authorization', `Bearer ${later}`).expect(200);
  });

  it('serves the known keys while a re-fetch of a stale set hangs', async () => {
    const published = await (await fetch(`${idp.issuer}/jwks`)).text();
    const mirror = await listenLoopback();
    const held: import('node:http').ServerResponse[] = [];
    let hang = false;
    mirror.handle((_req, res) => (hang ? held.push(res) : res.end(published)));
    try {
      // A fetch timeout longer than the test's: were the token to wait for the re-fetch, the test would time out.
      const jam = remoteJam(idp, { uri: `${mirror.origin}/jwks`, timeout: 600_000 });
      await jam.verifyJwtToken(await idp.accessToken());
      hang = true;
      clock.tick(MAX_AGE * 1000);
      const later = await idp.accessToken();
      expect(await jam.verifyJwtToken(later)).to.include({ sub: 'orders-worker' });
      await eventually(async () => expect(held).to.have.length(1)); // the re-fetch was made, and hangs
    } finally {
      for (const res of held) res.end(published);
      await mirror.close();
    }
  });

  it('picks up a key rotation without a restart: the new key verifies, the removed one no longer does', async () => {
    const jam = remoteJam(idp);
    await jam.verifyJwtToken(await idp.accessToken());
    const oldKeyToken = await idp.accessToken(); // never presented before the rotation
    const next = providerKey();
    idp.rotate([next]);
    const newKeyToken = await idp.accessToken();
    expect(JSON.parse(Buffer.from(newKeyToken.split('.')[0], 'base64url').toString()).kid).to.equal(next.kid);
    clock.tick(COOLDOWN * 1000);
    expect(await jam.verifyJwtToken(newKeyToken)).to.include({ sub: 'orders-worker' });
    expect(idp.jwksFetches()).to.equal(2);
    expect((await rejectsWith(jam.verifyJwtToken(oldKeyToken), 'ERR_JWT_INVALID')).check).to.equal('kid');
  });

  it('requires a kid when the set has several keys', async () => {
    const second = providerKey();
    idp.rotate([key, second]);
    const jam = remoteJam(idp);
    await jam.verifyJwtToken(await idp.accessToken());
    const noKid = forged(key, {}, { iss: idp.issuer });
    expect((await rejectsWith(jam.verifyJwtToken(noKid), 'ERR_JWT_INVALID')).check).to.equal('kid');
  });

  it('loads jose only for jwt.jwks; missing, it is ERR_CONFIG with the npm install line', function () {
    const script = `
      const { Jam } = require('./dist/index.js');
      new Jam({ jwt: { secretKey: '${'k'.repeat(64)}' } });
      console.log('without jwks: ' + Object.keys(require.cache).some((f) => f.includes('/jose/')));
      const jwt = { jwks: { uri: 'https://idp.example.com/jwks' }, issuer: 'https://idp.example.com', audience: 'a' };
      try { new Jam({ jwt }); console.log('constructed'); } catch (err) { console.log(err.code + ': ' + err.message); }`;
    expect(runWithoutPackage('jose', script).split('\n')).to.deep.equal([
      'without jwks: false',
      'ERR_CONFIG: jwt.jwks uses jose, which is not installed; run: npm install jose',
    ]);
  });

  it('validates jwt.jwks at construction', () => {
    const base = { issuer: 'https://idp.example.com', audience: 'orders-api' };
    const bad: object[] = [
      { ...base, jwks: { uri: 'http://idp.example.com/jwks' } },
      { ...base, jwks: { issuer: 'http://idp.example.com' } },
      { ...base, jwks: { uri: 'ftp://idp.example.com/jwks' } },
      { ...base, jwks: {} },
      { ...base, jwks: { uri: 'https://idp.example.com/jwks', issuer: 'https://idp.example.com' } },
      { ...base, jwks: { uri: 'https://idp.example.com/jwks', cooldown: 0 } },
      { ...base, jwks: { uri: 'https://idp.example.com/jwks', url: 'x' } },
      { issuer: base.issuer, jwks: { uri: 'https://idp.example.com/jwks' } },
      { audience: base.audience, jwks: { uri: 'https://idp.example.com/jwks' } },
      { ...base, jwks: { uri: 'https://idp.example.com/jwks' }, secretKey: 'x'.repeat(64) },
      { ...base, jwks: { uri: 'https://idp.example.com/jwks' }, alg: 'RS256' },
      { ...base, jwks: { uri: 'https://idp.example.com/jwks' }, algorithms: [] },
      { ...base, jwks: { uri: 'https://idp.example.com/jwks' }, algorithms: ['none'] },
      { ...base, secretKey: 'x'.repeat(64), algorithms: ['RS256'] },
    ];
    for (const jwt of bad) throwsWith(() => new Jam({ jwt } as JamConfig), 'ERR_CONFIG');
    for (const uri of [
      'http://127.0.0.1:1/jwks',
      'http://localhost:1/jwks',
      'http://[::1]:1/jwks',
      'https://idp.example.com/jwks',
    ]) {
      new Jam({ jwt: { ...base, jwks: { uri } } });
    }
  });
});

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
