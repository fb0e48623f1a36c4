import { bodyParser } from '@koa/bodyparser';
import { expect } from 'chai';
import Koa from 'koa';
import request from 'supertest';
import { createDemoJam, createJwtApp } from '../../examples/jwt-app.js';
import { findLeaks, stringsOf, wireCredentials } from '../helpers/event-leak-watch.js';
import { recordEvents } from '../helpers/events.js';

/**
 * The leak check itself runs over the whole spec run (spec/helpers/event-leak-watch.ts, a root hook): these
 * specs show that it sees what goes over the wire, that it finds a credential in a message, and that a walk
 * through an example app publishes events without one.
 */
describe('security: no event carries a credential', () => {
  it('collects Bearer headers, cookies, Set-Cookie values and credential fields of bodies, leaving the bodies intact', async () => {
    const app = new Koa().use(bodyParser()).use((ctx) => {
      ctx.cookies.set('sid', 'set-cookie-value-0001');
      ctx.body = { received: ctx.request.body, accessToken: 'issued-token-1' };
    });
    const sent = { username: 'alice', password: 'body-password-1', code: '123456', note: 'not-a-credential' };
    const res = await request(app.callback())
      .post('/')
      .set('Authorization', 'Bearer header-token-value-0001')
      .set('X-Token', 'Bearer custom-header-token-0001')
      .set('Cookie', 'sessionId=cookie-session-id-0001; other=cookie-other-value-0001; junk=short-cookie')
      .send(sent)
      .expect(200);
    expect(res.body.received).to.deep.equal(sent);
    for (const credential of [
      'header-token-value-0001',
      'custom-header-token-0001',
      'cookie-session-id-0001',
      'cookie-other-value-0001',
      'set-cookie-value-0001',
      'issued-token-1',
      'body-password-1',
      '123456',
    ]) {
      expect(wireCredentials.has(credential), credential).to.equal(true);
    }
    expect(wireCredentials.has('not-a-credential')).to.equal(false);
    expect(wireCredentials.has('alice')).to.equal(false);
    expect(
      wireCredentials.has('short-cookie'),
      'a presented value shorter than an issued credential',
    ).to.equal(false);
  });

  it('finds a credential in any string of a message, errors and their causes included', () => {
    const message = {
      a: { b: ['x secret-token-2 y'] },
      e: new Error('outer', { cause: new Error('inner secret-token-3') }),
    };
    const strings = new Map(stringsOf(message).map((text) => [text, 'koa-jam:test']));
    const leaks = findLeaks(strings, ['secret-token-2', 'secret-token-3', 'absent-token']);
    expect(leaks.map((l) => l.credential)).to.deep.equal(['secret-token-2', 'secret-token-3']);
  });

  it('a walk through examples/jwt-app publishes failures, revocations and a reuse, and none of its messages carries a credential', async () => {
    const events = recordEvents();
    try {
      const app = createJwtApp(createDemoJam()).callback();
      const alice = { username: 'alice', password: 'alice-password' };
      const { token } = (await request(app).post('/login').send(alice).expect(200)).body;
      await request(app).get('/get_user').set('Authorization', `Bearer ${token}x`).expect(403);
      await request(app).post('/logout').set('Authorization', `Bearer ${token}`).expect(204);
      const pair = (await request(app).post('/token').send(alice).expect(200)).body;
      await request(app).post('/refresh').send({ refreshToken: pair.refreshToken }).expect(200);
      await request(app).post('/refresh').send({ refreshToken: pair.refreshToken }).expect(401);
      const channels = new Set(events.published.map((p) => p.channel));
      for (const channel of ['koa-jam:auth.failure', 'koa-jam:token.revoked', 'koa-jam:refresh.reuse']) {
        expect(channels.has(channel as never), channel).to.equal(true);
      }
      for (const credential of [token, pair.refreshToken, 'alice-password'])
        expect(wireCredentials.has(credential)).to.equal(true);
      const strings = new Map(
        events.published.flatMap((p) => stringsOf(p.message).map((s) => [s, p.channel])),
      );
      expect(findLeaks(strings, wireCredentials)).to.deep.equal([]);
    } finally {
      events.stop();
    }
  });
});
