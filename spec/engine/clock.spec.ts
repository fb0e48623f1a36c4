import { expect } from 'chai';
import { generateSecretKey, Jam, type Clock } from 'koa-jam';
import { rejectsWith, throwsWith } from '../helpers/errors.js';

describe('Jam clock option', () => {
  it('is where the instance reads the time', async () => {
    let nowMs = Date.UTC(2031, 6, 1);
    const clock: Clock = { now: () => nowMs };
    const jam = new Jam({ jwt: { secretKey: generateSecretKey(), expire: 30 } }, { clock });
    const token = await jam.genJwtToken(jam.makePayload({ sub: 'alice' }));
    expect((await jam.verifyJwtToken(token)).iat).to.equal(nowMs / 1000);
    nowMs += 31_000;
    await rejectsWith(jam.verifyJwtToken(token), 'ERR_JWT_EXPIRED');
    await jam.close();
  });

  it('must have a now() method', () => {
    for (const clock of [{}, null, { now: 1 }]) {
      const err = throwsWith(() => new Jam({}, { clock: clock as never }), 'ERR_CONFIG');
      expect(err.message).to.include('clock');
    }
  });
});
