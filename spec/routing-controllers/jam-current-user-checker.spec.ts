import { expect } from 'chai';
import { isJamError, type JamStatePayload } from 'koa-jam';
import { jamCurrentUserChecker } from 'koa-jam/routing-controllers';
import request from 'supertest';
import { bearer, probeApp } from '../helpers/probe-controllers.js';

describe('jamCurrentUserChecker', () => {
  it('gives @CurrentUser() the payload, or null for an anonymous request', async () => {
    const app = probeApp();
    const me = await request(app)
      .get('/probe/me')
      .set('Authorization', await bearer({ sub: 'u1', roles: ['user'] }))
      .expect(200);
    expect(me.body.user).to.include({ sub: 'u1' }).and.to.have.property('exp');
    const anonymous = await request(app).get('/probe/me').expect(200);
    expect(anonymous.body).to.deep.equal({ user: null });
  });

  it('answers 401 for @CurrentUser({ required: true }) without a payload', async () => {
    const app = probeApp();
    const res = await request(app).get('/probe/me-required').expect(401);
    expect(res.body).to.deep.equal({ error: 'Unauthorized' });
    await request(app)
      .get('/probe/me-required')
      .set('Authorization', await bearer({ sub: 'u1' }))
      .expect(200);
  });

  it('gives what `load` returns, calling it once per request when both checkers need it', async () => {
    const calls: unknown[] = [];
    const load = (payload: JamStatePayload) => {
      calls.push(payload.sub);
      return { id: payload.sub, name: 'Ann' };
    };
    const app = probeApp({ authorization: { load }, currentUser: { load } });
    const token = await bearer({ sub: 'u1' });
    for (let i = 0; i < 2; i++) {
      const res = await request(app).get('/probe/user').set('Authorization', token).expect(200);
      expect(res.body).to.deep.equal({ user: { id: 'u1', name: 'Ann' } });
    }
    expect(calls).to.deep.equal(['u1', 'u1']);
  });

  it('does not call `load` for an anonymous request, and a user it does not find is no user', async () => {
    let calls = 0;
    const load = async () => {
      calls++;
      return undefined;
    };
    const app = probeApp({ currentUser: { load } });
    await request(app).get('/probe/me').expect(200, { user: null });
    expect(calls).to.equal(0);
    await request(app)
      .get('/probe/me-required')
      .set('Authorization', await bearer({ sub: 'gone' }))
      .expect(401);
    expect(calls).to.equal(1);
  });

  it('validates its options once, at creation', () => {
    for (const options of [{ load: 'users' }, { loader: () => null }]) {
      expect(() => jamCurrentUserChecker(options as never))
        .to.throw()
        .that.satisfies((err: unknown) => isJamError(err, 'ERR_CONFIG'));
    }
  });
});
