import { expect } from 'chai';
import request from 'supertest';
import { bearer, probeApp } from '../helpers/probe-controllers.js';

describe('@Payload()', () => {
  const app = probeApp();

  it('injects ctx.state.payload, null for an anonymous request', async () => {
    const res = await request(app)
      .get('/probe/payload')
      .set('Authorization', await bearer({ sub: 'u1', roles: ['user'] }))
      .expect(200);
    expect(res.body.payload).to.include({ sub: 'u1' }).and.to.have.keys('sub', 'roles', 'iat', 'exp', 'jti');
    await request(app).get('/probe/payload').expect(200, { payload: null });
  });

  it('answers 401 with { required: true } and no payload', async () => {
    await request(app).get('/probe/payload-required').expect(401, { error: 'Unauthorized' });
    await request(app)
      .get('/probe/payload-required')
      .set('Authorization', 'Bearer forged.token.value')
      .expect(401, { error: 'Unauthorized' });
    await request(app)
      .get('/probe/payload-required')
      .set('Authorization', await bearer({ sub: 'u1' }))
      .expect(200);
  });
});
