import { expect } from 'chai';
import { Jam } from 'koa-jam';
import request from 'supertest';
import { createJwtApp } from '../../examples/jwt-app.js';
import { SECRET } from '../helpers/keys.js';

describe('examples/jwt-app', () => {
  const app = createJwtApp(new Jam({ jwt: { secretKey: SECRET } })).callback();

  it('logs in, then shows the payload of the token', async () => {
    const login = await request(app)
      .post('/login')
      .send({ username: 'alice', password: 'alice-password' })
      .expect(200);
    expect(login.body.token).to.be.a('string');
    const me = await request(app)
      .get('/get_user')
      .set('Authorization', `Bearer ${login.body.token}`)
      .expect(200);
    expect(me.body).to.include({ sub: '1', user: 'alice' });
    expect(me.body).to.have.keys('sub', 'user', 'roles', 'iat', 'exp', 'jti');
  });

  it('refuses a wrong password', async () => {
    await request(app).post('/login').send({ username: 'alice', password: 'nope' }).expect(401);
    await request(app).post('/login').send({ username: 'nobody', password: 'x' }).expect(401);
    await request(app).post('/login').send({}).expect(401);
  });

  it('answers 403 without a valid token', async () => {
    await request(app).get('/get_user').expect(403);
    await request(app).get('/get_user').set('Authorization', 'Bearer forged.token.value').expect(403);
  });
});
