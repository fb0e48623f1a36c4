import { createHash } from 'node:crypto';
import { expect } from 'chai';
import {
  Jam,
  generateOtpSecret,
  generateRecoveryCodes,
  type JamError,
  type OtpCheck,
  type RecoveryCheck,
} from 'koa-jam';
import { freezeClock, type FrozenClock } from '../../helpers/clock.js';
import { rejectsWith, throwsWith } from '../../helpers/errors.js';
import { STORE_KINDS, jamsOnStore } from '../../helpers/store-kinds.js';

const NOW = Date.UTC(2026, 0, 1);
const CODE_SHAPE = /^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/;

function refusal(check: RecoveryCheck | OtpCheck): string {
  expect(check.valid, 'expected a refusal').to.equal(false);
  return (check as { error: JamError }).error.code;
}

/** A code of the right shape that is none of the generated ones. */
function wrongCode(code: string): string {
  return (code[0] === 'a' ? 'b' : 'a') + code.slice(1);
}

describe('generateRecoveryCodes', () => {
  it('makes 10 distinct grouped codes by default, and the SHA-256 (base64url) of each without its hyphens', () => {
    const { codes, hashes } = generateRecoveryCodes();
    expect(codes).to.have.length(10);
    expect(new Set(codes).size).to.equal(10);
    for (const [i, code] of codes.entries()) {
      expect(code).to.match(CODE_SHAPE);
      const independent = createHash('sha256').update(code.replace(/-/g, '')).digest('base64url');
      expect(hashes[i]).to.equal(independent);
    }
  });

  it('draws every character of its 32-letter alphabet (5 bits each, 80 bits a code)', () => {
    const chars = new Set(generateRecoveryCodes(100).codes.join('').replace(/-/g, ''));
    // 1,600 draws: a letter missing by chance has odds of (31/32)^1600, about 1e-22.
    expect([...chars].sort().join('')).to.equal('0123456789abcdefghjkmnpqrstvwxyz');
  });

  it('takes a count from 1 to 100, and refuses others with ERR_INVALID_ARGUMENT naming the bound', () => {
    expect(generateRecoveryCodes(1).codes).to.have.length(1);
    expect(generateRecoveryCodes(100).hashes).to.have.length(100);
    for (const bad of [0, -1, 1.5, 101, NaN, Infinity, '10', null]) {
      const err = throwsWith(() => generateRecoveryCodes(bad as number), 'ERR_INVALID_ARGUMENT');
      expect(err.message).to.include('from 1 to 100');
    }
  });
});

describe('useRecoveryCode', () => {
  let clock: FrozenClock;
  beforeEach(() => (clock = freezeClock(NOW)));
  afterEach(() => clock.uninstall());
  const jam = new Jam({ otp: { maxAttempts: 3, lockoutPeriod: 60, attemptPeriod: 60 } });

  it('answers the hash of the code, once: the same code again is null (ERR_OTP_REPLAYED)', async () => {
    const { codes, hashes } = generateRecoveryCodes(3);
    expect(await jam.useRecoveryCode('alice', codes[1], hashes)).to.equal(hashes[1]);
    expect(await jam.useRecoveryCode('alice', codes[1], hashes)).to.equal(null);
    expect(refusal(await jam.checkRecoveryCode('alice', codes[1], hashes))).to.equal('ERR_OTP_REPLAYED');
    // Even when the app forgot to remove its hash; the others still work.
    expect(await jam.checkRecoveryCode('alice', codes[2], hashes)).to.deep.equal({
      valid: true,
      hash: hashes[2],
    });
  });

  it('ignores spaces, hyphens and case, and reads i and l as 1, o as 0', async () => {
    const { codes, hashes } = generateRecoveryCodes(4);
    const spelled = [
      codes[0].toUpperCase(),
      ` ${codes[1].replace(/-/g, ' ')} `,
      codes[2].replace(/-/g, ''),
      codes[3].replace(/1/g, 'l').replace(/0/g, 'O').replace(/-/g, ' - '),
    ];
    for (const [i, code] of spelled.entries())
      expect(await jam.useRecoveryCode('bob', code, hashes), code).to.equal(hashes[i]);
  });

  it('refuses a wrong or malformed code as ERR_OTP_INVALID, without throwing', async () => {
    const { codes, hashes } = generateRecoveryCodes(2);
    const fresh = new Jam({ otp: { maxAttempts: 100 } });
    for (const bad of [
      wrongCode(codes[0]),
      codes[0].slice(0, -1),
      `${codes[0]}a`,
      'u'.repeat(16),
      '',
      123,
      undefined,
      null,
      {},
      'x'.repeat(100_000),
    ]) {
      const check = await fresh.checkRecoveryCode('carol', bad as string, hashes);
      expect(refusal(check), String(bad).slice(0, 40)).to.equal('ERR_OTP_INVALID');
    }
    expect(await fresh.useRecoveryCode('carol', codes[0], [])).to.equal(null);
    expect(await fresh.useRecoveryCode('carol', codes[0], hashes)).to.equal(hashes[0]);
  });

  it('counts wrong codes in the OTP attempt limit: locked, even the right code is refused until the lock ends', async () => {
    const { codes, hashes } = generateRecoveryCodes(2);
    const secret = generateOtpSecret();
    const wrongOtp = String((Number(jam.getOtpCode(secret)) + 1) % 1_000_000).padStart(6, '0');
    // One wrong OTP code and two wrong recovery codes: three failures of one limit.
    expect(await jam.verifyOtpCode(secret, wrongOtp, { sessionKey: 'dave' })).to.equal(false);
    expect(refusal(await jam.checkRecoveryCode('dave', wrongCode(codes[0]), hashes))).to.equal(
      'ERR_OTP_INVALID',
    );
    expect(refusal(await jam.checkRecoveryCode('dave', wrongCode(codes[0]), hashes))).to.equal(
      'ERR_OTP_LOCKED',
    );
    // The same answer as an OTP code gets, and nothing is spent.
    expect(refusal(await jam.checkRecoveryCode('dave', codes[0], hashes))).to.equal('ERR_OTP_LOCKED');
    expect(refusal(await jam.checkOtpCode(secret, jam.getOtpCode(secret), { sessionKey: 'dave' }))).to.equal(
      'ERR_OTP_LOCKED',
    );
    clock.tick(60_000);
    expect(await jam.useRecoveryCode('dave', codes[0], hashes)).to.equal(hashes[0]);
  });

  it('counts a used code presented again as a failure too', async () => {
    const { codes, hashes } = generateRecoveryCodes(2);
    expect(await jam.useRecoveryCode('erin', codes[0], hashes)).to.equal(hashes[0]);
    for (let i = 0; i < 2; i++) expect(await jam.useRecoveryCode('erin', codes[0], hashes)).to.equal(null);
    expect(refusal(await jam.checkRecoveryCode('erin', codes[0], hashes))).to.equal('ERR_OTP_LOCKED');
    expect(refusal(await jam.checkRecoveryCode('erin', codes[1], hashes))).to.equal('ERR_OTP_LOCKED');
  });

  it('is counted per session key: one principal locked leaves another alone', async () => {
    const { codes, hashes } = generateRecoveryCodes(1);
    for (let i = 0; i < 3; i++) await jam.useRecoveryCode('frank', wrongCode(codes[0]), hashes);
    expect(refusal(await jam.checkRecoveryCode('frank', codes[0], hashes))).to.equal('ERR_OTP_LOCKED');
    expect(await jam.useRecoveryCode('grace', codes[0], hashes)).to.equal(hashes[0]);
  });

  it('refuses bad arguments with ERR_INVALID_ARGUMENT, before any attempt is counted', async () => {
    const { codes, hashes } = generateRecoveryCodes(1);
    for (const sessionKey of ['', undefined, 42])
      await rejectsWith(jam.useRecoveryCode(sessionKey as string, codes[0], hashes), 'ERR_INVALID_ARGUMENT');
    const tooMany = generateRecoveryCodes(100).hashes.concat(hashes);
    for (const bad of [undefined, 'hash', [42], ['short'], [codes[0]], [`${hashes[0]}=`], tooMany]) {
      const err = await rejectsWith(
        jam.useRecoveryCode('heidi', codes[0], bad as string[]),
        'ERR_INVALID_ARGUMENT',
      );
      expect(err.message).to.match(/^useRecoveryCode: /);
    }
    expect(await jam.useRecoveryCode('heidi', codes[0], hashes)).to.equal(hashes[0]);
  });

  it('needs the otp section (ERR_CONFIG)', async () => {
    const { codes, hashes } = generateRecoveryCodes(1);
    await rejectsWith(new Jam({ session: {} }).useRecoveryCode('ivan', codes[0], hashes), 'ERR_CONFIG');
  });
});

for (const kind of STORE_KINDS) {
  describe(`recovery codes shared through ${kind.name} (several instances)`, function () {
    const shared = jamsOnStore(kind);
    const open = () => shared.open((store) => ({ otp: { store, storeTimeout: 5000, maxAttempts: 2 } }));

    it('a code used through one instance is refused through another, and wrong codes lock in both', async () => {
      const a = open();
      const b = shared.sut.store === undefined ? a : open(); // the memory store is one instance's own
      const { codes, hashes } = generateRecoveryCodes(2);
      expect(await a.useRecoveryCode('alice', codes[0], hashes)).to.equal(hashes[0]);
      expect(refusal(await b.checkRecoveryCode('alice', codes[0], hashes))).to.equal('ERR_OTP_REPLAYED');
      expect(refusal(await a.checkRecoveryCode('alice', wrongCode(codes[1]), hashes))).to.equal(
        'ERR_OTP_LOCKED',
      );
      expect(refusal(await b.checkRecoveryCode('alice', codes[1], hashes))).to.equal('ERR_OTP_LOCKED');
    });
  });
}
