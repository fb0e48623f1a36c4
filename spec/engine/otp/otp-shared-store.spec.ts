import { expect } from 'chai';
import { Jam, JamError, generateOtpSecret } from 'koa-jam';
import { redisOrSkip } from '../../helpers/redis-or-skip.js';
import type { RedisServer } from '../../../test-support/redis-server.js';
import { STORE_KINDS, jamsOnStore } from '../../helpers/store-kinds.js';

for (const kind of STORE_KINDS.filter((k) => k.name !== 'memory')) {
  describe(`OTP limits shared through ${kind.name} (several instances)`, function () {
    const shared = jamsOnStore(kind);
    const open = () => shared.open((store) => ({ otp: { store, storeTimeout: 5000, maxAttempts: 2 } }));

    it('a code accepted through one instance is refused as a replay through another', async () => {
      const [a, b] = [open(), open()];
      const secret = generateOtpSecret();
      const code = a.getOtpCode(secret);
      expect(await a.verifyOtpCode(secret, code, { sessionKey: 'alice' })).to.equal(true);
      const replay = await b.checkOtpCode(secret, code, { sessionKey: 'alice' });
      expect(replay.valid).to.equal(false);
      expect((replay as { error: JamError }).error.code).to.equal('ERR_OTP_REPLAYED');
    });

    it('failures counted by one instance lock the principal in another', async () => {
      const [a, b] = [open(), open()];
      const secret = generateOtpSecret();
      const wrong = String((Number(a.getOtpCode(secret)) + 7) % 1_000_000).padStart(6, '0');
      await a.checkOtpCode(secret, wrong, { sessionKey: 'bob' });
      await b.checkOtpCode(secret, wrong, { sessionKey: 'bob' });
      const check = await a.checkOtpCode(secret, a.getOtpCode(secret), { sessionKey: 'bob' });
      expect((check as { error: JamError }).error.code).to.equal('ERR_OTP_LOCKED');
    });
  });
}

describe('OTP limits in Redis: outages', function () {
  let redis: RedisServer;
  const jams: Jam[] = [];
  const open = () => {
    const jam = new Jam({ otp: { store: redis.url, storeTimeout: 500, maxAttempts: 2 } });
    jams.push(jam);
    return jam;
  };
  before(async function () {
    redis = await redisOrSkip(this);
  });
  after(async () => {
    await Promise.all(jams.map((jam) => jam.close()));
    await redis?.stop();
  });

  it('fails closed with ERR_STORE_UNAVAILABLE while Redis is down, and recovers', async () => {
    const jam = open();
    const secret = generateOtpSecret();
    await redis.stop();
    try {
      const err = await jam
        .verifyOtpCode(secret, jam.getOtpCode(secret), { sessionKey: 'carol' })
        .catch((e) => e);
      expect(err).to.be.instanceOf(JamError).with.property('code', 'ERR_STORE_UNAVAILABLE');
      // Without a sessionKey no store is involved.
      expect(await jam.verifyOtpCode(secret, jam.getOtpCode(secret))).to.equal(true);
    } finally {
      await redis.start();
    }
    let accepted = false;
    for (let i = 0; i < 40 && !accepted; i++) {
      accepted = await jam
        .verifyOtpCode(secret, jam.getOtpCode(secret), { sessionKey: 'carol' })
        .catch(() => false);
      if (!accepted) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(accepted).to.equal(true);
  });
});
