import { expect } from 'chai';
import { Jam, type PasskeyCredential } from 'koa-jam';
import { freezeClock, type FrozenClock } from '../../helpers/clock.js';
import { rejectsWith } from '../../helpers/errors.js';
import { SoftAuthenticator } from '../../helpers/soft-authenticator.js';
import { ALICE, BOB, ORIGIN, PASSKEYS, PasskeyTable } from './passkey-app.js';

describe('passkeys: the two ceremonies', () => {
  let jam: Jam;
  let clock: FrozenClock;
  let table: PasskeyTable;
  let device: SoftAuthenticator;
  beforeEach(() => {
    clock = freezeClock();
    jam = new Jam({ passkeys: PASSKEYS });
    table = new PasskeyTable();
    device = new SoftAuthenticator(ORIGIN);
  });
  afterEach(async () => {
    clock.uninstall();
    await jam.close();
  });

  async function register(user = ALICE): Promise<PasskeyCredential> {
    const options = await jam.passkeyRegistrationOptions(user, await table.listCredentials(user.id));
    const credential = await jam.verifyPasskeyRegistration(user, device.register(options));
    await table.saveCredential(credential);
    return credential;
  }

  it('registers a passkey: the stored shape, JSON-safe, with the backup flags', async () => {
    const credential = await register();
    expect(credential).to.deep.equal({
      id: device.credentials[0].id,
      userId: 'user-1',
      publicKey: credential.publicKey,
      counter: 0,
      transports: ['internal'],
      createdAt: '2026-01-01T00:00:00.000Z',
      lastUsedAt: null,
      backedUp: false,
      deviceType: 'singleDevice',
    });
    expect(credential.publicKey).to.match(/^[A-Za-z0-9_-]{40,}$/);
    expect(JSON.parse(JSON.stringify(credential))).to.deep.equal(credential);
  });

  it('asks for a resident key, user verification and no attestation, and excludes the passkeys the user has', async () => {
    const first = await register();
    const options = await jam.passkeyRegistrationOptions(ALICE, await table.listCredentials(ALICE.id));
    expect(options).to.deep.include({ attestation: 'none', timeout: 300_000 });
    expect(options.rp).to.deep.equal({ name: 'Example', id: 'example.com' });
    expect(options.user).to.deep.equal({
      id: Buffer.from('user-1').toString('base64url'),
      name: 'alice@example.com',
      displayName: 'Alice',
    });
    expect(options.authenticatorSelection).to.deep.include({
      residentKey: 'required',
      userVerification: 'required',
    });
    expect(options.excludeCredentials).to.deep.equal([
      { id: first.id, type: 'public-key', transports: ['internal'] },
    ]);
    expect(options.challenge).to.match(/^[A-Za-z0-9_-]{43}$/);
  });

  it('signs in without a user name (discoverable) and with one; saves the counter and lastUsedAt each time', async () => {
    const credential = await register();
    clock.tick(60_000);
    const login = await jam.verifyPasskeyLogin(device.login(await jam.passkeyLoginOptions()), table);
    expect(login.userId).to.equal('user-1');
    expect(login.credential).to.deep.equal({
      ...credential,
      counter: 1,
      lastUsedAt: '2026-01-01T00:01:00.000Z',
    });
    expect(table.rows.get(credential.id)).to.deep.equal(login.credential);

    const named = await jam.passkeyLoginOptions(ALICE.id, await table.listCredentials(ALICE.id));
    expect(named.allowCredentials).to.deep.equal([
      { id: credential.id, type: 'public-key', transports: ['internal'] },
    ]);
    expect(named).to.deep.include({ rpId: 'example.com', userVerification: 'required', timeout: 300_000 });
    const again = await jam.verifyPasskeyLogin(device.login(named), table);
    expect(again.credential.counter).to.equal(2);
  });

  it('accepts authenticators without a counter (always 0), as passkey providers that sync do', async () => {
    await register();
    for (let i = 0; i < 2; i++) {
      const login = await jam.verifyPasskeyLogin(
        device.login(await jam.passkeyLoginOptions(), { counter: 0 }),
        table,
      );
      expect(login.credential.counter).to.equal(0);
    }
  });

  describe('refusals', () => {
    it('a replayed assertion: the same answer twice', async () => {
      await register();
      const answer = device.login(await jam.passkeyLoginOptions());
      await jam.verifyPasskeyLogin(answer, table);
      const err = await rejectsWith(jam.verifyPasskeyLogin(answer, table), 'ERR_PASSKEY_CHALLENGE');
      expect(err.status).to.equal(401);
    });

    it('a challenge used twice: a second, freshly signed answer to the same options', async () => {
      await register();
      const options = await jam.passkeyLoginOptions();
      await jam.verifyPasskeyLogin(device.login(options), table);
      await rejectsWith(jam.verifyPasskeyLogin(device.login(options), table), 'ERR_PASSKEY_CHALLENGE');
      const registration = await jam.passkeyRegistrationOptions(BOB);
      await jam.verifyPasskeyRegistration(BOB, device.register(registration));
      await rejectsWith(
        jam.verifyPasskeyRegistration(BOB, device.register(registration)),
        'ERR_PASSKEY_CHALLENGE',
      );
    });

    it('a refused answer uses its challenge up too', async () => {
      await register();
      const options = await jam.passkeyLoginOptions();
      await rejectsWith(
        jam.verifyPasskeyLogin(device.login(options, { wrongKey: true }), table),
        'ERR_PASSKEY_INVALID',
      );
      await rejectsWith(jam.verifyPasskeyLogin(device.login(options), table), 'ERR_PASSKEY_CHALLENGE');
    });

    it('an expired challenge, for both ceremonies', async () => {
      await register();
      const login = await jam.passkeyLoginOptions();
      const registration = await jam.passkeyRegistrationOptions(ALICE);
      clock.tick(300_000);
      const err = await rejectsWith(
        jam.verifyPasskeyLogin(device.login(login), table),
        'ERR_PASSKEY_CHALLENGE',
      );
      expect(err.message).to.match(/expired|unknown/);
      await rejectsWith(
        jam.verifyPasskeyRegistration(ALICE, device.register(registration)),
        'ERR_PASSKEY_CHALLENGE',
      );
    });

    it('a challenge never issued, or issued for the other ceremony or another user', async () => {
      await register();
      const forged = { challenge: Buffer.alloc(32, 7).toString('base64url'), rpId: 'example.com' };
      await rejectsWith(jam.verifyPasskeyLogin(device.login(forged), table), 'ERR_PASSKEY_CHALLENGE');
      const registration = await jam.passkeyRegistrationOptions(ALICE);
      const asLogin = { ...registration, rpId: 'example.com' };
      const err = await rejectsWith(
        jam.verifyPasskeyLogin(device.login(asLogin), table),
        'ERR_PASSKEY_CHALLENGE',
      );
      expect(err.message).to.contain('issued for registration');
      // Bob's named sign-in options, answered with Alice's passkey.
      const bobLogin = await jam.passkeyLoginOptions(BOB.id, []);
      await rejectsWith(jam.verifyPasskeyLogin(device.login(bobLogin), table), 'ERR_PASSKEY_CHALLENGE');
      const forBob = await jam.passkeyRegistrationOptions(BOB);
      await rejectsWith(
        jam.verifyPasskeyRegistration(ALICE, device.register(forBob)),
        'ERR_PASSKEY_CHALLENGE',
      );
    });

    it('an assertion made for another origin or another RP id', async () => {
      await register();
      for (const ceremony of [
        { origin: 'https://evil.example' },
        { origin: 'https://example.com.evil.example' },
        { rpId: 'evil.example' },
      ]) {
        const err = await rejectsWith(
          jam.verifyPasskeyLogin(device.login(await jam.passkeyLoginOptions(), ceremony), table),
          'ERR_PASSKEY_INVALID',
        );
        expect(err.message).to.match(/origin|RP ID/i);
      }
      const options = await jam.passkeyRegistrationOptions(BOB);
      await rejectsWith(
        jam.verifyPasskeyRegistration(BOB, device.register(options, { origin: 'https://evil.example' })),
        'ERR_PASSKEY_INVALID',
      );
      expect(table.saves).to.equal(1);
    });

    it('a counter gone backwards or standing still: refused and reported, the stored credential untouched', async () => {
      const credential = await register();
      await jam.verifyPasskeyLogin(device.login(await jam.passkeyLoginOptions(), { counter: 5 }), table);
      for (const counter of [5, 4]) {
        const err = await rejectsWith(
          jam.verifyPasskeyLogin(device.login(await jam.passkeyLoginOptions(), { counter }), table),
          'ERR_PASSKEY_COUNTER',
        );
        expect(err.status).to.equal(401);
        expect(err.detail).to.deep.equal({
          credentialId: credential.id,
          userId: 'user-1',
          stored: 5,
          received: counter,
        });
      }
      expect(table.rows.get(credential.id)!.counter).to.equal(5);
      // A forged answer with a low counter is a bad signature, not a clone report.
      await rejectsWith(
        jam.verifyPasskeyLogin(
          device.login(await jam.passkeyLoginOptions(), { counter: 1, wrongKey: true }),
          table,
        ),
        'ERR_PASSKEY_INVALID',
      );
    });

    it('a bad signature, an unknown credential, no user verification, and answers that are not credentials', async () => {
      await register();
      await rejectsWith(
        jam.verifyPasskeyLogin(device.login(await jam.passkeyLoginOptions(), { wrongKey: true }), table),
        'ERR_PASSKEY_INVALID',
      );
      await rejectsWith(
        jam.verifyPasskeyLogin(device.login(await jam.passkeyLoginOptions(), { userVerified: false }), table),
        'ERR_PASSKEY_INVALID',
      );
      const stranger = device.login(await jam.passkeyLoginOptions());
      await rejectsWith(
        jam.verifyPasskeyLogin({ ...stranger, id: 'AAAA', rawId: 'AAAA' }, table),
        'ERR_PASSKEY_INVALID',
      );
      for (const answer of [
        null,
        'x',
        42,
        {},
        { id: 'a/b', response: {} },
        { id: stranger.id },
        { ...stranger, response: { ...stranger.response, signature: 5 } },
      ])
        await rejectsWith(jam.verifyPasskeyLogin(answer, table), 'ERR_PASSKEY_INVALID');
      for (const answer of [
        null,
        {},
        { id: 'x', response: { clientDataJSON: 'e30', attestationObject: '' } },
      ])
        await rejectsWith(jam.verifyPasskeyRegistration(ALICE, answer), 'ERR_PASSKEY_INVALID');
    });

    it('a discoverable answer whose user handle names someone else than the credential owner', async () => {
      await register();
      const answer = device.login(await jam.passkeyLoginOptions());
      answer.response.userHandle = Buffer.from('user-2').toString('base64url');
      await rejectsWith(jam.verifyPasskeyLogin(answer, table), 'ERR_PASSKEY_INVALID');
    });
  });

  it('refuses bad users and stored credentials from the application with ERR_INVALID_ARGUMENT', async () => {
    await rejectsWith(jam.passkeyRegistrationOptions({ id: '', name: 'x' }), 'ERR_INVALID_ARGUMENT');
    await rejectsWith(
      jam.passkeyRegistrationOptions({ id: 'x'.repeat(65), name: 'x' }),
      'ERR_INVALID_ARGUMENT',
    );
    await rejectsWith(jam.passkeyRegistrationOptions({ id: 'x', name: '' }), 'ERR_INVALID_ARGUMENT');
    await rejectsWith(
      jam.passkeyRegistrationOptions(ALICE, [{ id: 'x' } as PasskeyCredential]),
      'ERR_INVALID_ARGUMENT',
    );
    await rejectsWith(jam.passkeyLoginOptions(ALICE.id, 'x' as never), 'ERR_INVALID_ARGUMENT');
  });
});
