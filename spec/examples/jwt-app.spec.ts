import { expect } from 'chai';
import request from 'supertest';
import { createDemoJam, createJwtApp } from '../../examples/jwt-app.js';
import { decodeSegment } from '../helpers/tokens.js';

describe('examples/jwt-app', () => {
  const app = createJwtApp(createDemoJam()).callback();
  const alice = { username: 'alice', password: 'alice-password' };
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  it('logs in, then shows the payload of the token', async () => {
    const login = await request(app).post('/login').send(alice).expect(200);
    expect(login.body.token).to.be.a('string');
    const me = await request(app).get('/get_user').set(bearer(login.body.token)).expect(200);
    expect(me.body).to.include({ sub: '1', user: 'alice' });
    expect(me.body).to.have.keys('sub', 'user', 'roles', 'iat', 'exp', 'jti');
  });

  it('refuses a wrong password', async () => {
    await request(app).post('/login').send({ username: 'alice', password: 'nope' }).expect(401);
    await request(app).post('/login').send({ username: 'nobody', password: 'x' }).expect(401);
    await request(app).post('/login').send({}).expect(401);
    await request(app).post('/token').send({ username: 'alice', password: 'nope' }).expect(401);
  });

  it('answers 403 without a valid token', async () => {
    await request(app).get('/get_user').expect(403);
    await request(app).get('/get_user').set('Authorization', 'Bearer forged.token.value').expect(403);
  });

  it('logs out: the token is revoked', async () => {
    const { token } = (await request(app).post('/login').send(alice)).body;
    await request(app).post('/logout').set(bearer(token)).expect(204);
    await request(app).get('/get_user').set(bearer(token)).expect(403);
    await request(app).post('/logout').set(bearer(token)).expect(401);
    await request(app).post('/logout').expect(401);
  });

  it('issues a token pair and rotates it; a reused refresh token ends the login', async () => {
    const first = (await request(app).post('/token').send(alice).expect(200)).body;
    expect(first).to.have.keys('accessToken', 'refreshToken');
    const me = await request(app).get('/get_user').set(bearer(first.accessToken)).expect(200);
    expect(me.body).to.include({ sub: '1', token_use: 'access' });
    await request(app).get('/get_user').set(bearer(first.refreshToken)).expect(403);
    await request(app).post('/refresh').send({ refreshToken: first.accessToken }).expect(401);

    const second = (
      await request(app).post('/refresh').send({ refreshToken: first.refreshToken }).expect(200)
    ).body;
    await request(app).get('/get_user').set(bearer(second.accessToken)).expect(200);
    await request(app).post('/refresh').send({ refreshToken: first.refreshToken }).expect(401);
    await request(app).get('/get_user').set(bearer(second.accessToken)).expect(403);
    await request(app).post('/refresh').send({ refreshToken: second.refreshToken }).expect(401);
    await request(app).post('/refresh').send({}).expect(401);
  });

  it('logging out with the access token of a pair also ends its refresh token', async () => {
    const pair = (await request(app).post('/token').send(alice)).body;
    await request(app).post('/logout').set(bearer(pair.accessToken)).expect(204);
    await request(app).post('/refresh').send({ refreshToken: pair.refreshToken }).expect(401);
  });

  it('publishes the public key that verifies its tokens', async () => {
    const { token } = (await request(app).post('/login').send(alice)).body;
    const res = await request(app).get('/.well-known/jwks.json').expect(200);
    const { keys } = JSON.parse(res.text);
    expect(keys).to.have.length(1);
    expect(keys[0]).to.include({ kty: 'EC', alg: 'ES256', kid: decodeSegment(token, 0).kid });
    expect(keys[0]).not.to.have.property('d');
  });
});
