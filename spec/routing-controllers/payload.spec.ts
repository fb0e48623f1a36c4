import { expect } from 'chai';
import { isJamError } from 'koa-jam';
import { Payload } from 'koa-jam/routing-controllers';
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

  it('validates its options when applied', () => {
    for (const options of [{ requried: true }, { required: 'yes' }]) {
      expect(() => Payload(options as never), JSON.stringify(options))
        .to.throw()
        .that.satisfies((err: unknown) => isJamError(err, 'ERR_CONFIG'));
    }
  });
});
