import { expect } from 'chai';
import { Jam, JamError } from 'koa-jam';
import { rejectsWith } from '../../helpers/errors.js';
import { redisOrSkip } from '../../helpers/redis-or-skip.js';
import type { RedisServer } from '../../../test-support/redis-server.js';
import { SoftAuthenticator } from '../../helpers/soft-authenticator.js';
import { STORE_KINDS, type StoreUnderTest } from '../../helpers/store-kinds.js';
import { ALICE, ORIGIN, PASSKEYS, PasskeyTable } from './passkey-app.js';

for (const kind of STORE_KINDS) {
  describe(`passkey challenges in the ${kind.name} store`, function () {
    let store: StoreUnderTest;
    let jam: Jam;
    const table = new PasskeyTable();
    const device = new SoftAuthenticator(ORIGIN);
    before(async function () {
      store = await kind.open(this);
      jam = new Jam({ passkeys: { ...PASSKEYS, store: store.store, challengeLifetime: 1 } });
      const options = await jam.passkeyRegistrationOptions(ALICE);
      await table.saveCredential(await jam.verifyPasskeyRegistration(ALICE, device.register(options)));
    });
    after(async () => {
      await jam?.close();
      await store?.close();
    });

    it('spends a challenge once', async () => {
      const answer = device.login(await jam.passkeyLoginOptions());
      expect((await jam.verifyPasskeyLogin(answer, table)).userId).to.equal(ALICE.id);
      await rejectsWith(jam.verifyPasskeyLogin(answer, table), 'ERR_PASSKEY_CHALLENGE');
    });

    it('lets a challenge expire after challengeLifetime', async () => {
      const options = await jam.passkeyLoginOptions();
      await store.advance(1100);
      await rejectsWith(jam.verifyPasskeyLogin(device.login(options), table), 'ERR_PASSKEY_CHALLENGE');
    });
  });
}

// Each instance has its own connection (and in-process lock), as separate processes do: only the store's atomic
// claim keeps a challenge single use between them.
for (const kind of STORE_KINDS.filter(({ name }) => name !== 'memory')) {
  describe(`passkey challenges shared by several Jam instances (${kind.name})`, function () {
    let store: StoreUnderTest;
    const jams: Jam[] = [];
    const table = new PasskeyTable();
    const device = new SoftAuthenticator(ORIGIN);
    before(async function () {
      store = await kind.open(this);
      for (let i = 0; i < 4; i++) jams.push(new Jam({ passkeys: { ...PASSKEYS, store: store.store } }));
      const options = await jams[0].passkeyRegistrationOptions(ALICE);
      await table.saveCredential(await jams[1].verifyPasskeyRegistration(ALICE, device.register(options)));
    });
    after(async () => {
      await Promise.all(jams.map((jam) => jam.close()));
      await store?.close();
    });

    it('verifies on one instance what another issued', async () => {
      const login = await jams[2].verifyPasskeyLogin(
        device.login(await jams[3].passkeyLoginOptions()),
        table,
      );
      expect(login.userId).to.equal(ALICE.id);
    });

    it('of one answer sent to every instance at once, exactly one is accepted', async () => {
      for (let round = 0; round < 5; round++) {
        const answer = device.login(await jams[round % 4].passkeyLoginOptions());
        const outcomes = await Promise.all(
          jams
            .flatMap((jam) => [jam, jam])
            .map((jam) =>
              jam.verifyPasskeyLogin(answer, table).then(
                () => 'accepted',
                (err: JamError) => err.code,
              ),
            ),
        );
        expect(outcomes.filter((o) => o === 'accepted')).to.have.length(1);
        expect(outcomes.filter((o) => o !== 'accepted')).to.deep.equal(
          Array(7).fill('ERR_PASSKEY_CHALLENGE'),
        );
      }
    });
  });
}

describe('passkey challenges while Redis is down', function () {
  let redis: RedisServer;
  const jams: Jam[] = [];
  const table = new PasskeyTable();
  const device = new SoftAuthenticator(ORIGIN);
  before(async function () {
    redis = await redisOrSkip(this);
    jams.push(new Jam({ passkeys: { ...PASSKEYS, store: redis.url } }));
    const options = await jams[0].passkeyRegistrationOptions(ALICE);
    await table.saveCredential(await jams[0].verifyPasskeyRegistration(ALICE, device.register(options)));
  });
  after(async () => {
    await Promise.all(jams.map((jam) => jam.close()));
    await redis?.stop();
  });

  it('fails closed with ERR_STORE_UNAVAILABLE while Redis is down', async () => {
    const jam = new Jam({ passkeys: { ...PASSKEYS, store: redis.url, storeTimeout: 300 } });
    jams.push(jam);
    // Issued before the outage by an instance with the default timeout (a busy machine can take 300 ms).
    const options = await jams[0].passkeyLoginOptions();
    redis.pause();
    try {
      await rejectsWith(jam.passkeyLoginOptions(), 'ERR_STORE_UNAVAILABLE');
      await rejectsWith(jam.verifyPasskeyLogin(device.login(options), table), 'ERR_STORE_UNAVAILABLE');
    } finally {
      redis.resume();
    }
  });
});
