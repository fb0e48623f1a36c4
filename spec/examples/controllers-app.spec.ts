import { expect } from 'chai';
import { createTestJam } from 'koa-jam/testing';
import request from 'supertest';
import { createControllersApp } from '../../examples/controllers-app.js';

describe('examples/controllers-app', () => {
  const jam = createTestJam({ jwt: { expire: 900 } });
  const app = createControllersApp(jam).callback();
  after(() => jam.close());
  const login = (username: string, password: string) =>
    request(app).post('/auth/login').send({ username, password });
  /** Logs in for a session (from a browser already holding `cookie`, when given); the new cookie's name=value. */
  async function sessionCookie(username: string, cookie = ''): Promise<string> {
    const res = await request(app)
      .post('/auth/session')
      .set('Cookie', cookie)
      .send({ username, password: `${username}-password` })
      .expect(200, { user: username });
    return res.headers['set-cookie'][0].split(';')[0];
  }

  it('logs in with a JWT, shows the profile, and keeps the admin page for admins', async () => {
    const alice = (await login('alice', 'alice-password').expect(200)).body.token;
    const root = (await login('root', 'root-password').expect(200)).body.token;
    const profile = await request(app).get('/profile').set('Authorization', `Bearer ${alice}`).expect(200);
    expect(profile.body).to.deep.equal({ sub: '1', user: 'alice', roles: ['user'] });
    await request(app)
      .get('/admin')
      .set('Authorization', `Bearer ${alice}`)
      .expect(403, { error: 'Forbidden' });
    const admin = await request(app).get('/admin').set('Authorization', `Bearer ${root}`).expect(200);
    expect(admin.body).to.include({ admin: 'root' });
  });

  it('takes a test bearer header as a login, until the token expires on the test clock', async () => {
    const headers = await jam.bearerHeader({ sub: '2', user: 'root', roles: ['admin'] });
    await request(app).get('/admin').set(headers).expect(200);
    jam.clock.advance(900_000);
    await request(app).get('/admin').set(headers).expect(401, { error: 'Unauthorized' });
  });

  it('answers anonymous requests 401 on protected routes and greets them on public ones', async () => {
    await request(app).get('/profile').expect(401, { error: 'Unauthorized' });
    await request(app).get('/admin').expect(401, { error: 'Unauthorized' });
    await request(app).get('/hello').expect(200, { hello: 'stranger' });
    const alice = (await login('alice', 'alice-password')).body.token;
    await request(app).get('/hello').set('Authorization', `Bearer ${alice}`).expect(200, { hello: 'alice' });
  });

  it('refuses wrong credentials 401 and a malformed login body 400, without echoing the password', async () => {
    await login('alice', 'wrong-password').expect(401, { error: 'Unauthorized' });
    await login('nobody', 'alice-password').expect(401);
    const res = await request(app)
      .post('/auth/login')
      .send({ username: 'alice', password: ['alice-password'] })
      .expect(400);
    expect(res.body.errors.map((e: { property: string }) => e.property)).to.deep.equal(['password']);
    expect(res.text).not.to.include('alice-password');
    await request(app)
      .post('/auth/login')
      .send({ username: 'x'.repeat(65), password: 'p' })
      .expect(400);
  });

  it('logs in with a session cookie and out again, after which the cookie is refused even replayed', async () => {
    const res = await request(app)
      .post('/auth/session')
      .send({ username: 'root', password: 'root-password' })
      .expect(200, { user: 'root' });
    const setCookie = res.headers['set-cookie'][0];
    expect(setCookie)
      .to.match(/^sessionId=[\w-]+;/)
      .and.to.match(/httponly/i);
    const cookie = setCookie.split(';')[0];
    await request(app).get('/admin').set('Cookie', cookie).expect(200);
    const logout = await request(app).post('/auth/logout').set('Cookie', cookie).expect(204);
    expect(logout.headers['set-cookie'][0]).to.match(/^sessionId=;/);
    await request(app).get('/admin').set('Cookie', cookie).expect(401, { error: 'Unauthorized' });
    await request(app).post('/auth/logout').set('Cookie', cookie).expect(401);
  });

  it('ends the previous session when the same browser logs in again', async () => {
    const alice = await sessionCookie('alice');
    await request(app).get('/admin').set('Cookie', alice).expect(403, { error: 'Forbidden' });
    const root = await sessionCookie('root', alice);
    expect(root).not.to.equal(alice);
    await request(app).get('/profile').set('Cookie', alice).expect(401);
    await request(app).get('/admin').set('Cookie', root).expect(200);
  });

  it('refuses a cross-site POST carrying the session cookie', async () => {
    const cookie = await sessionCookie('alice');
    await request(app)
      .post('/auth/logout')
      .set('Cookie', cookie)
      .set('Origin', 'https://evil.example')
      .set('Sec-Fetch-Site', 'cross-site')
      .expect(403);
    await request(app).get('/profile').set('Cookie', cookie).expect(200);
  });

  it('logs a JWT out by revoking it', async () => {
    const token = (await login('alice', 'alice-password')).body.token;
    const bearer = `Bearer ${token}`;
    await request(app).post('/auth/logout').set('Authorization', bearer).expect(204);
    await request(app).get('/profile').set('Authorization', bearer).expect(401, { error: 'Unauthorized' });
  });
});
