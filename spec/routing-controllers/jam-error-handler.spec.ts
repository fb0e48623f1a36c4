import { expect } from 'chai';
import request from 'supertest';
import { bearer, probeApp } from '../helpers/probe-controllers.js';

describe('jamErrorHandler', () => {
  // routing-controllers decides development mode, and with it stack traces, when the app is created.
  function withNodeEnvUnset<T>(create: () => T): T {
    const saved = process.env.NODE_ENV;
    delete process.env.NODE_ENV;
    try {
      return create();
    } finally {
      process.env.NODE_ENV = saved;
    }
  }

  it('answers 401 and 403 with generic bodies under NODE_ENV unset, where routing-controllers alone leaks stacks', async () => {
    const clean = withNodeEnvUnset(() => probeApp());
    const leaky = withNodeEnvUnset(() => probeApp({ jamErrors: false }));
    const user = await bearer({ sub: 'u1', roles: ['user'] });
    const cases = [
      // routing-controllers' own error for @CurrentUser({ required: true }): only jamErrorHandler renders it.
      { path: '/probe/me-required', auth: undefined, status: 401, error: 'Unauthorized', ours: false },
      { path: '/probe/any', auth: `${user}x`, status: 401, error: 'Unauthorized', ours: true },
      { path: '/probe/any', auth: undefined, status: 401, error: 'Unauthorized', ours: true },
      { path: '/probe/admin', auth: user, status: 403, error: 'Forbidden', ours: true },
      { path: '/probe/payload-required', auth: undefined, status: 401, error: 'Unauthorized', ours: true },
    ];
    for (const { path, auth, status, error, ours } of cases) {
      const send = (app: typeof clean) => {
        const req = request(app).get(path);
        return auth ? req.set('Authorization', auth) : req;
      };
      const res = await send(clean).expect(status);
      expect(res.body, path).to.deep.equal({ error });
      expect(res.text).not.to.match(/stack|at |probe|eyJ/);
      // The minimal setup (the checkers, routing-controllers' default handler): what koa-jam throws renders
      // the same generic body, never a stack with the server's file paths.
      const raw = await send(leaky).expect(status);
      if (ours) expect(raw.body, `${path} without jamErrorHandler`).to.deep.equal({ error });
      else expect(raw.body, `${path} without jamErrorHandler`).to.have.property('stack');
    }
  });

  it('answers a validation failure 400 with its constraints, never echoing the submitted values', async () => {
    const res = await request(probeApp()).post('/probe/body').send({ secret: 'short-one' }).expect(400);
    expect(res.body.errors).to.deep.equal([
      {
        property: 'secret',
        constraints: { minLength: 'secret must be longer than or equal to 12 characters' },
      },
    ]);
    expect(res.body.error).to.be.a('string');
    expect(res.text).not.to.include('short-one');
    await request(probeApp()).post('/probe/body').send({ secret: 'long-enough-secret' }).expect(200);
  });

  it('leaves other errors to Koa: 500 without the internal message', async () => {
    const res = await request(probeApp()).get('/probe/crash').expect(500);
    expect(res.text).to.equal('Internal Server Error');
  });
});
