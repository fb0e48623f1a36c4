import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import Koa from 'koa';
import { Jam, JamError, jamJwks } from 'koa-jam';
import request from 'supertest';
import { keyPairFor, otherRsaPair, SECRET } from '../helpers/keys.js';

const jam = new Jam({
  jwt: {
    keys: [
      { kid: 'k2', alg: 'ES256', privateKey: keyPairFor('ES256').privatePem },
      { kid: 'k1', alg: 'RS256', publicKey: otherRsaPair().publicPem },
    ],
  },
});

function appWith(options?: Parameters<typeof jamJwks>[1]): Koa {
  const app = new Koa();
  app.use(jamJwks(jam, options));
  app.use((ctx) => {
    ctx.body = 'next';
  });
  return app;
}

describe('jamJwks', () => {
  it('answers GET /.well-known/jwks.json with the JWK Set and cache headers', async () => {
    const res = await request(appWith().callback()).get('/.well-known/jwks.json').expect(200);
    expect(res.headers['content-type']).to.equal('application/jwk-set+json');
    expect(res.headers['cache-control']).to.equal('public, max-age=300');
    expect(res.headers.etag).to.match(/^"[\w-]+"$/);
    expect(JSON.parse(res.text)).to.deep.equal(jam.jwks());
  });

  it('answers 304 to a matching If-None-Match, and HEAD without a body', async () => {
    const app = appWith().callback();
    const { headers } = await request(app).get('/.well-known/jwks.json');
    const again = await request(app).get('/.well-known/jwks.json').set('If-None-Match', headers.etag);
    expect(again.status).to.equal(304);
    expect(again.text).to.equal('');
    const head = await request(app).head('/.well-known/jwks.json').expect(200);
    expect(head.headers.etag).to.equal(headers.etag);
  });

  it('passes every other request on', async () => {
    const app = appWith({ path: '/keys', maxAge: 60 }).callback();
    expect((await request(app).get('/.well-known/jwks.json')).text).to.equal('next');
    expect((await request(app).post('/keys')).text).to.equal('next');
    const res = await request(app).get('/keys').expect(200);
    expect(res.headers['cache-control']).to.equal('public, max-age=60');
  });

  it('serves jose’s remote JWK Set over real HTTP', async () => {
    const server = appWith().listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      const jwks = createRemoteJWKSet(new URL(`http://127.0.0.1:${port}/.well-known/jwks.json`));
      const token = await jam.genJwtToken(jam.makePayload({ sub: 'u1' }));
      const { payload } = await jwtVerify(token, jwks, { algorithms: ['ES256'] });
      expect(payload).to.include({ sub: 'u1' });
    } finally {
      server.close();
    }
  });

  it('validates its options when created', () => {
    const refused = (make: () => unknown, named: string) =>
      expect(make, named).to.throw(JamError, named).with.property('code', 'ERR_CONFIG');
    refused(() => jamJwks({} as Jam), 'Jam instance');
    refused(() => jamJwks(jam, { path: 'jwks.json' }), 'jamJwks.path');
    refused(() => jamJwks(jam, { maxAge: -1 }), 'jamJwks.maxAge');
    refused(() => jamJwks(jam, { maxage: 60 } as never), 'jamJwks.maxage');
    refused(() => jamJwks(new Jam({ jwt: { secretKey: SECRET } })), 'no asymmetric key');
  });
});
