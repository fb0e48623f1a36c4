import { expect } from 'chai';
import { Jam, JamError, type JamErrorCode, type JwtCheck } from 'koa-jam';
import { freezeClock, type FrozenClock } from '../helpers/clock.js';
import { rejectsWith } from '../helpers/errors.js';
import { keyPairFor, SECRET } from '../helpers/keys.js';
import { craftToken } from '../helpers/tokens.js';

describe('JamError', () => {
  it('carries the HTTP status of its code, from one table', () => {
    const statuses: Record<JamErrorCode, number> = {
      ERR_CONFIG: 500,
      ERR_INVALID_ARGUMENT: 500,
      ERR_JWT_INVALID: 401,
      ERR_JWT_EXPIRED: 401,
      ERR_JWT_NOT_BEFORE: 401,
      ERR_JWT_REVOKED: 401,
      ERR_SESSION_NOT_FOUND: 401,
      ERR_STORE_UNAVAILABLE: 503,
      ERR_OTP_INVALID: 401,
      ERR_OTP_REPLAYED: 401,
      ERR_OTP_LOCKED: 429,
      ERR_BAD_REQUEST: 400,
      ERR_PASSKEY_INVALID: 401,
      ERR_PASSKEY_CHALLENGE: 401,
      ERR_PASSKEY_COUNTER: 401,
      ERR_OAUTH2: 401,
      ERR_PROVIDER_UNAVAILABLE: 503,
      ERR_FORBIDDEN: 403,
    };
    for (const [code, status] of Object.entries(statuses)) {
      const err = new JamError(code as JamErrorCode, 'm');
      expect(err, code).to.include({ name: 'JamError', code, status, message: 'm' });
    }
    expect(JamError.config('bad').code).to.equal('ERR_CONFIG');
    expect(JamError.jwtInvalid('bad', { check: 'aud' })).to.include({
      code: 'ERR_JWT_INVALID',
      check: 'aud',
    });
  });

  describe('err.check names the JWT check that failed', () => {
    const now = Math.floor(Date.UTC(2026, 0, 1) / 1000);
    const jam = new Jam({
      jwt: { secretKey: SECRET, issuer: 'me', audience: 'api', list: { type: 'black' } },
    });
    const claims = (extra: object = {}) => ({ iss: 'me', aud: 'api', iat: now, exp: now + 60, ...extra });
    const signed = (extra?: object, header: object = { alg: 'HS256', typ: 'JWT' }) =>
      craftToken(header, claims(extra), SECRET);
    let clock: FrozenClock;
    beforeEach(() => (clock = freezeClock()));
    afterEach(() => clock.uninstall());

    const cases: [string, () => string | Promise<string>, JamErrorCode, JwtCheck][] = [
      ['not a JWT', () => 'abc', 'ERR_JWT_INVALID', 'format'],
      ['too long', () => 'a'.repeat(9000), 'ERR_JWT_INVALID', 'format'],
      [
        'another secret',
        () => craftToken({ alg: 'HS256' }, claims(), `${SECRET}x`),
        'ERR_JWT_INVALID',
        'signature',
      ],
      ['alg none', () => craftToken({ alg: 'none' }, claims()), 'ERR_JWT_INVALID', 'signature'],
      ['another alg', () => signed({}, { alg: 'HS512' }), 'ERR_JWT_INVALID', 'alg'],
      ['crit header', () => signed({}, { alg: 'HS256', crit: ['b64'] }), 'ERR_JWT_INVALID', 'crit'],
      ['expired', () => signed({ exp: now - 10 }), 'ERR_JWT_EXPIRED', 'exp'],
      ['no exp', () => signed({ exp: undefined }), 'ERR_JWT_INVALID', 'exp'],
      ['exp a string', () => signed({ exp: 'soon' }), 'ERR_JWT_INVALID', 'exp'],
      ['not yet valid', () => signed({ nbf: now + 600 }), 'ERR_JWT_NOT_BEFORE', 'nbf'],
      ['issued in the future', () => signed({ iat: now + 600 }), 'ERR_JWT_INVALID', 'iat'],
      ['wrong issuer', () => signed({ iss: 'evil' }), 'ERR_JWT_INVALID', 'iss'],
      ['wrong audience', () => signed({ aud: 'other' }), 'ERR_JWT_INVALID', 'aud'],
      [
        'a refresh token',
        async () => (await jam.genTokenPair({})).refreshToken,
        'ERR_JWT_INVALID',
        'token_use',
      ],
      [
        'revoked',
        async () => {
          const token = await jam.genJwtToken(jam.makePayload({}));
          await jam.revokeJwtToken(token);
          return token;
        },
        'ERR_JWT_REVOKED',
        'list',
      ],
    ];
    for (const [name, token, code, check] of cases) {
      it(`${name}: ${code}, check ${check}`, async () => {
        const err = await rejectsWith(jam.verifyJwtToken(await token()), code);
        expect(err.check).to.equal(check);
      });
    }

    it('kid: an unknown key id', async () => {
      const rotating = new Jam({ jwt: { keys: [{ kid: 'k1', secretKey: SECRET }] } });
      const token = craftToken({ alg: 'HS256', kid: 'k2' }, { exp: now + 60 }, SECRET);
      expect((await rejectsWith(rotating.verifyJwtToken(token), 'ERR_JWT_INVALID')).check).to.equal('kid');
      const rs = new Jam({ jwt: { alg: 'RS256', publicKey: keyPairFor('RS256').publicPem } });
      const wrong = craftToken({ alg: 'HS256' }, { exp: now + 60 }, SECRET);
      expect((await rejectsWith(rs.verifyJwtToken(wrong), 'ERR_JWT_INVALID')).check).to.equal('alg');
    });

    it('only JWT errors carry a check', async () => {
      const sessions = new Jam({ session: {} });
      const err = await rejectsWith(sessions.updateSession('nope', {}), 'ERR_SESSION_NOT_FOUND');
      expect(err).not.to.have.property('check');
    });
  });
});
