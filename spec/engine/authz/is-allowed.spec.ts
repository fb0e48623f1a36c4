import { expect } from 'chai';
import { Jam } from 'koa-jam';
import { rejectsWith } from '../../helpers/errors.js';
import {
  PERMISSION_CASES,
  PERMISSION_CONFIG,
  REQUIREMENT_NAMES,
  REQUIREMENTS,
} from '../../helpers/permission-cases.js';

describe('jam.isAllowed', () => {
  const jam = new Jam(PERMISSION_CONFIG);

  for (const { name, claims, allowed } of PERMISSION_CASES) {
    it(`decides ${name}`, () => {
      for (const requirement of REQUIREMENT_NAMES) {
        const payload = jam.makePayload({ sub: 'u1', ...claims });
        expect(jam.isAllowed(payload, REQUIREMENTS[requirement]), requirement).to.equal(
          allowed.includes(requirement),
        );
      }
    });
  }

  it('refuses a missing payload', () => {
    expect(jam.isAllowed(null, 'orders:read')).to.equal(false);
    expect(jam.isAllowed(undefined, 'orders:read')).to.equal(false);
  });

  it('reads only the configured claims', () => {
    const custom = new Jam({ authz: { claims: ['grants'] } });
    expect(custom.isAllowed({ grants: ['orders:*'] }, 'orders:read')).to.equal(true);
    expect(custom.isAllowed({ permissions: ['orders:*'], scope: 'orders:read' }, 'orders:read')).to.equal(
      false,
    );
  });

  it('refuses malformed required permissions with ERR_INVALID_ARGUMENT', async () => {
    for (const bad of ['', 'orders:*', '*', 'orders::read', ':read', 'orders read', [], [42], 42, null]) {
      await rejectsWith(
        (async () => jam.isAllowed({ permissions: ['*'] }, bad as string))(),
        'ERR_INVALID_ARGUMENT',
      );
    }
  });

  it('needs an authz section, and validates it by name', async () => {
    await rejectsWith((async () => new Jam({}).isAllowed({}, 'orders:read'))(), 'ERR_CONFIG');
    for (const authz of [
      { claim: ['x'] },
      { claims: [] },
      { claims: 'scope' },
      { deny: [''] },
      { deny: [1] },
    ]) {
      await rejectsWith((async () => new Jam({ authz } as never))(), 'ERR_CONFIG');
    }
  });
});
