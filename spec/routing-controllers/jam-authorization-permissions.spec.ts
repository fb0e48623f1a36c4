import 'reflect-metadata';
import { expect } from 'chai';
import Koa from 'koa';
import { isJamError, Jam, jamJwt } from 'koa-jam';
import { jamAuthorizationChecker, jamErrorHandler } from 'koa-jam/routing-controllers';
import { Authorized, Get, JsonController, useKoaServer } from 'routing-controllers';
import request from 'supertest';
import {
  PERMISSION_CASES,
  PERMISSION_CONFIG,
  REQUIREMENT_NAMES,
  REQUIREMENTS as R,
} from '../helpers/permission-cases.js';

/** One action per requirement of the permission table, at `/perm/<name>`. */
@JsonController('/perm')
class PermissionController {
  @Authorized(R.ordersRead) @Get('/ordersRead') ordersRead() {
    return { ok: true };
  }
  @Authorized(R.orders) @Get('/orders') orders() {
    return { ok: true };
  }
  @Authorized(R.itemsRead) @Get('/itemsRead') itemsRead() {
    return { ok: true };
  }
  @Authorized(R.aX) @Get('/aX') aX() {
    return { ok: true };
  }
  @Authorized(R.aBX) @Get('/aBX') aBX() {
    return { ok: true };
  }
  @Authorized(R.billingDelete) @Get('/billingDelete') billingDelete() {
    return { ok: true };
  }
  @Authorized([...R.readAndWrite]) @Get('/readAndWrite') readAndWrite() {
    return { ok: true };
  }
  @Authorized() @Get('/any') any() {
    return { ok: true };
  }
}

describe('jamAuthorizationChecker({ permissions: true })', () => {
  const jam = new Jam(PERMISSION_CONFIG);
  const koa = new Koa();
  koa.silent = true;
  koa.use(jamErrorHandler()).use(jamJwt(jam));
  useKoaServer(koa, {
    controllers: [PermissionController],
    authorizationChecker: jamAuthorizationChecker({ permissions: true }),
    defaultErrorHandler: false,
  });
  const app = koa.callback();
  const bearer = async (claims: object) => `Bearer ${await jam.genJwtToken(jam.makePayload(claims))}`;

  for (const { name, claims, allowed } of PERMISSION_CASES) {
    it(`decides ${name} as jam.isAllowed does`, async () => {
      const token = await bearer({ sub: 'u1', ...claims });
      for (const requirement of REQUIREMENT_NAMES) {
        const res = await request(app).get(`/perm/${requirement}`).set('Authorization', token);
        expect(res.status, requirement).to.equal(allowed.includes(requirement) ? 200 : 403);
      }
      // @Authorized() with no permission named: any payload.
      await request(app).get('/perm/any').set('Authorization', token).expect(200);
    });
  }

  it('answers 401 to an anonymous request', async () => {
    const res = await request(app).get('/perm/ordersRead').expect(401);
    expect(res.body).to.deep.equal({ error: 'Unauthorized' });
  });

  it('refuses permissions together with rolesClaim or policy', () => {
    for (const options of [
      { permissions: true, rolesClaim: 'roles' },
      { permissions: true, policy: () => true },
      { permissions: 'yes' },
    ]) {
      expect(() => jamAuthorizationChecker(options as never), JSON.stringify(options))
        .to.throw()
        .that.satisfies((err: unknown) => isJamError(err, 'ERR_CONFIG'));
    }
  });
});
