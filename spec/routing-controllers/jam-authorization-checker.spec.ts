import { expect } from 'chai';
import { isJamError } from 'koa-jam';
import { jamAuthorizationChecker } from 'koa-jam/routing-controllers';
import request from 'supertest';
import { bearer, probeApp } from '../helpers/probe-controllers.js';

describe('jamAuthorizationChecker', () => {
  const app = probeApp();

  it('answers 401 to an anonymous request on every protected action, role-restricted ones included', async () => {
    for (const path of ['/probe/any', '/probe/admin', '/probe/editor-or-admin']) {
      const res = await request(app).get(path).expect(401);
      expect(res.body, path).to.deep.equal({ error: 'Unauthorized' });
      expect(res.headers['www-authenticate']).to.equal('Bearer');
    }
  });

  it('answers 401 to an invalid or tampered token', async () => {
    const token = await bearer({ sub: 'u1', roles: ['admin'] });
    await request(app).get('/probe/any').set('Authorization', 'Bearer not.a.token').expect(401);
    await request(app)
      .get('/probe/admin')
      .set('Authorization', `${token.slice(0, -2)}xx`)
      .expect(401);
  });

  it('lets any payload through @Authorized() with no roles', async () => {
    for (const claims of [{ sub: 'u1' }, { sub: 'u1', roles: [] }, { sub: 'u1', roles: 'user' }]) {
      await request(app)
        .get('/probe/any')
        .set('Authorization', await bearer(claims))
        .expect(200, { ok: true });
    }
  });

  it('answers 403 to a payload without the role, 200 with it, from an array roles claim', async () => {
    const user = await bearer({ sub: 'u1', roles: ['user'] });
    const admin = await bearer({ sub: 'u2', roles: ['user', 'admin'] });
    const res = await request(app).get('/probe/admin').set('Authorization', user).expect(403);
    expect(res.body).to.deep.equal({ error: 'Forbidden' });
    await request(app).get('/probe/admin').set('Authorization', admin).expect(200);
  });

  it('accepts a string roles claim as one role', async () => {
    await request(app)
      .get('/probe/admin')
      .set('Authorization', await bearer({ sub: 'u1', roles: 'admin' }))
      .expect(200);
    await request(app)
      .get('/probe/admin')
      .set('Authorization', await bearer({ sub: 'u1', roles: 'administrator' }))
      .expect(403);
  });

  it('needs one of the roles of @Authorized([...])', async () => {
    const editorOrAdmin = '/probe/editor-or-admin';
    for (const roles of [['editor'], ['admin'], ['viewer', 'editor']]) {
      await request(app)
        .get(editorOrAdmin)
        .set('Authorization', await bearer({ sub: 'u1', roles }))
        .expect(200);
    }
    for (const roles of [[], ['viewer'], undefined, 42, { admin: true }, [['admin']]]) {
      await request(app)
        .get(editorOrAdmin)
        .set('Authorization', await bearer({ sub: 'u1', roles }))
        .expect(403);
    }
  });

  it('reads the claim named by rolesClaim', async () => {
    const custom = probeApp({ authorization: { rolesClaim: 'groups' } });
    await request(custom)
      .get('/probe/admin')
      .set('Authorization', await bearer({ sub: 'u1', groups: ['admin'] }))
      .expect(200);
    await request(custom)
      .get('/probe/admin')
      .set('Authorization', await bearer({ sub: 'u1', roles: ['admin'] }))
      .expect(403);
  });

  it('hands the decision to a custom policy, only for requests with a payload', async () => {
    const seen: unknown[] = [];
    const custom = probeApp({
      authorization: {
        policy: (user, roles) => {
          seen.push(roles);
          return (user as { sub?: string }).sub === 'boss';
        },
      },
    });
    await request(custom).get('/probe/any').expect(401);
    await request(custom)
      .get('/probe/admin')
      .set('Authorization', await bearer({ sub: 'boss' }))
      .expect(200);
    await request(custom)
      .get('/probe/any')
      .set('Authorization', await bearer({ sub: 'intern', roles: ['admin'] }))
      .expect(403);
    expect(seen).to.deep.equal([['admin'], []]);
  });

  it('refuses 401 a payload whose user `load` does not find, and gives the policy the loaded user', async () => {
    const users: Record<string, { name: string; admin: boolean }> = { u1: { name: 'Ann', admin: true } };
    const custom = probeApp({
      authorization: {
        load: (payload) => users[String(payload.sub)],
        policy: (user, roles) => roles.length === 0 || (user as { admin: boolean }).admin,
      },
    });
    await request(custom)
      .get('/probe/admin')
      .set('Authorization', await bearer({ sub: 'u1' }))
      .expect(200);
    const gone = await bearer({ sub: 'deleted-user', roles: ['admin'] });
    await request(custom).get('/probe/any').set('Authorization', gone).expect(401, { error: 'Unauthorized' });
  });

  it('validates its options once, at creation', () => {
    const bad: unknown[] = [
      { rolesClaim: '' },
      { rolesClaim: 7 },
      { policy: 'admin' },
      { load: {} },
      { roleClaim: 'roles' },
      'roles',
    ];
    for (const options of bad) {
      expect(() => jamAuthorizationChecker(options as never), JSON.stringify(options))
        .to.throw()
        .that.satisfies((err: unknown) => isJamError(err, 'ERR_CONFIG'));
    }
  });
});
