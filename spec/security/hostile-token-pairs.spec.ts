import { expect } from 'chai';
import { isJamError, type JamErrorCode } from 'koa-jam';
import request from 'supertest';
import { SECRET } from '../helpers/keys.js';
import { craftToken } from '../helpers/tokens.js';
import { REASON_HEADER } from './guarded-app.js';
import { createHardenedApp, hardenedJam } from './hardened-app.js';

async function refusedWith(promise: Promise<unknown>, code: JamErrorCode): Promise<void> {
  const err = await promise.then(
    () => expect.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  expect(isJamError(err, code), String(err)).to.equal(true);
}

describe('security: access and refresh tokens cannot stand in for each other', () => {
  const jam = hardenedJam();
  const app = createHardenedApp(jam).callback();
  after(() => jam.close());

  const me = (token: string) => request(app).get('/jwt/me').set('Authorization', `Bearer ${token}`);
  const refresh = (refreshToken: string) => request(app).post('/jwt/refresh').send({ refreshToken });

  it('a refresh token is not an access token', async () => {
    const { refreshToken } = await jam.genTokenPair({ sub: 'alice' });
    await refusedWith(jam.verifyJwtToken(refreshToken), 'ERR_JWT_INVALID');
    const res = await me(refreshToken);
    expect([res.status, res.headers[REASON_HEADER]]).to.deep.equal([401, 'ERR_JWT_INVALID']);
  });

  it('an access token, a plain token or a hand-made one is not a refresh token', async () => {
    const { accessToken } = await jam.genTokenPair({ sub: 'alice' });
    const plain = await jam.genJwtToken(jam.makePayload({ sub: 'alice' }));
    const now = Math.floor(Date.now() / 1000);
    const noFamily = craftToken(
      { alg: 'HS256' },
      { sub: 'alice', exp: now + 60, token_use: 'refresh' },
      SECRET,
    );
    const forged = craftToken(
      { alg: 'HS256' },
      { sub: 'alice', exp: now + 60, token_use: 'refresh', fam: 'x' },
      'k',
    );
    for (const token of [accessToken, plain, noFamily, forged, 'a'.repeat(1 << 20), '', 'a.b.c']) {
      await refusedWith(jam.refreshTokenPair(token), 'ERR_JWT_INVALID');
      const res = await refresh(token);
      // A 1 MB JSON body is over the body parser's limit: 413 before any route runs.
      const expected = token.length > 1_000_000 ? [413, undefined] : [401, 'ERR_JWT_INVALID'];
      expect([res.status, res.headers[REASON_HEADER]]).to.deep.equal(expected);
    }
  });

  it('a refresh token presented twice revokes its whole family, over HTTP too', async () => {
    const first = await jam.genTokenPair({ sub: 'alice' });
    const second = (await refresh(first.refreshToken).expect(200)).body as typeof first;
    expect((await me(second.accessToken)).status).to.equal(200);
    const replay = await refresh(first.refreshToken);
    expect([replay.status, replay.headers[REASON_HEADER]]).to.deep.equal([401, 'ERR_JWT_REVOKED']);
    expect((await me(second.accessToken)).headers[REASON_HEADER]).to.equal('ERR_JWT_REVOKED');
    expect((await refresh(second.refreshToken)).headers[REASON_HEADER]).to.equal('ERR_JWT_REVOKED');
  });

  it('revoking refuses hostile tokens with a JamError, never another error', async () => {
    const now = Math.floor(Date.now() / 1000);
    const noJti = await jam.genJwtToken({ sub: 'alice', exp: now + 60 });
    for (const token of [noJti, 'a.b.c', '', 'x'.repeat(1 << 20)]) {
      await refusedWith(jam.revokeJwtToken(token), 'ERR_JWT_INVALID');
    }
  });
});
