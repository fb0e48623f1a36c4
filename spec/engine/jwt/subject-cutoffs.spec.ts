import { expect } from 'chai';
import { Jam } from 'koa-jam';
import { rejectsWith } from '../../helpers/errors.js';
import { SECRET } from '../../helpers/keys.js';
import { STORE_KINDS, type StoreUnderTest } from '../../helpers/store-kinds.js';
import { craftToken } from '../../helpers/tokens.js';

for (const kind of STORE_KINDS) {
  describe(`jam.revokeSubject on ${kind.name}`, () => {
    let under: StoreUnderTest;
    const opened: Jam[] = [];
    before(async function () {
      under = await kind.open(this);
    });
    after(async () => {
      await Promise.all(opened.map((jam) => jam.close()));
      await under.close();
    });
    const jamWith = (type: 'black' | 'white') => {
      const jam = new Jam({ jwt: { secretKey: SECRET, list: { type, store: under.store } } });
      opened.push(jam);
      return jam;
    };
    // Cutoffs have the precision of iat, seconds (a frozen clock on memory and SQLite, real time on Redis).
    const nextSecond = () => under.advance(1000 - (Date.now() % 1000) + 10);

    for (const type of ['black', 'white'] as const) {
      it(`refuses every token of the subject issued up to now, cached ones too (${type} list)`, async () => {
        const jam = jamWith(type);
        const issue = (sub: string) => jam.genJwtToken(jam.makePayload({ sub }));
        const [alice, bob] = [`alice-${type}`, `bob-${type}`];
        const older = await issue(alice);
        await nextSecond();
        const recent = await issue(alice);
        const other = await issue(bob);
        for (const token of [older, recent, other]) await jam.verifyJwtToken(token); // now in the cache
        await jam.revokeSubject(alice);
        for (const token of [older, recent, await issue(alice)]) {
          await rejectsWith(jam.verifyJwtToken(token), 'ERR_JWT_REVOKED'); // the same second counts as before
        }
        expect(await jam.verifyJwtToken(other)).to.include({ sub: bob });
        await nextSecond();
        expect(await jam.verifyJwtToken(await issue(alice))).to.include({ sub: alice });
      });
    }

    it('refuses the refresh token of a pair, and a token of the subject without iat', async () => {
      const jam = jamWith('black');
      const pair = await jam.genTokenPair({ sub: 'carol' });
      const now = Math.floor(Date.now() / 1000);
      const noIat = craftToken(
        { alg: 'HS256', typ: 'JWT' },
        { sub: 'carol', jti: 'j1', exp: now + 60 },
        SECRET,
      );
      await jam.verifyJwtToken(noIat);
      await jam.revokeSubject('carol');
      await rejectsWith(jam.refreshTokenPair(pair.refreshToken), 'ERR_JWT_REVOKED');
      await rejectsWith(jam.verifyJwtToken(pair.accessToken), 'ERR_JWT_REVOKED');
      await rejectsWith(jam.verifyJwtToken(noIat), 'ERR_JWT_REVOKED');
      // A subject is matched exactly: another spelling is another subject.
      expect(await jam.verifyJwtToken(await jam.genJwtToken(jam.makePayload({ sub: 'Carol' })))).to.be.an(
        'object',
      );
    });

    it('refuses a malformed subject with ERR_INVALID_ARGUMENT', async () => {
      const jam = jamWith('black');
      for (const sub of ['', 'x'.repeat(1025), 42, null, undefined, ['a']]) {
        await rejectsWith(jam.revokeSubject(sub as string), 'ERR_INVALID_ARGUMENT');
      }
    });
  });
}

describe('jam.revokeSubject configuration', () => {
  it('needs jwt.list, and is refused when jwt.list.subjects is false', async () => {
    await rejectsWith(new Jam({ jwt: { secretKey: SECRET } }).revokeSubject('a'), 'ERR_CONFIG');
    const off = new Jam({ jwt: { secretKey: SECRET, list: { type: 'black', subjects: false } } });
    await rejectsWith(off.revokeSubject('a'), 'ERR_CONFIG');
    const token = await off.genJwtToken(off.makePayload({ sub: 'a' }));
    expect(await off.verifyJwtToken(token)).to.include({ sub: 'a' });
    await rejectsWith(
      (async () =>
        new Jam({ jwt: { secretKey: SECRET, list: { type: 'black', subjects: 'yes' } } } as never))(),
      'ERR_CONFIG',
    );
  });
});
