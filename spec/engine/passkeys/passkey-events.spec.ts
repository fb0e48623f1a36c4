import { expect } from 'chai';
import { Jam } from 'koa-jam';
import { rejectsWith } from '../../helpers/errors.js';
import { recordEvents, stringsOfEvents, type EventRecorder } from '../../helpers/events.js';
import { SoftAuthenticator } from '../../helpers/soft-authenticator.js';
import { ALICE, ORIGIN, PASSKEYS, PasskeyTable } from './passkey-app.js';

describe('passkeys: events (passkey.registered, passkey.used, passkey.counter)', () => {
  let jam: Jam;
  let table: PasskeyTable;
  let device: SoftAuthenticator;
  let events: EventRecorder;
  beforeEach(() => {
    jam = new Jam({ passkeys: PASSKEYS });
    table = new PasskeyTable();
    device = new SoftAuthenticator(ORIGIN);
    events = recordEvents();
  });
  afterEach(async () => {
    events.stop();
    await jam.close();
  });

  const signIn = async (counter?: number, ceremony: { wrongKey?: boolean } = {}) =>
    jam.verifyPasskeyLogin(device.login(await jam.passkeyLoginOptions(), { counter, ...ceremony }), table);

  it('a verified registration and each sign-in name the user and the credential, nothing else', async () => {
    const options = await jam.passkeyRegistrationOptions(ALICE);
    const answer = device.register(options);
    const credential = await jam.verifyPasskeyRegistration(ALICE, answer);
    await table.saveCredential(credential);
    const mine = { userId: 'user-1', credentialId: credential.id };
    expect(events.of('koa-jam:passkey.registered')).to.deep.equal([mine]);
    const login = await jam.passkeyLoginOptions();
    const assertion = device.login(login);
    await jam.verifyPasskeyLogin(assertion, table);
    await signIn();
    expect(events.of('koa-jam:passkey.used')).to.deep.equal([mine, mine]);
    // Neither challenge, public key, nor any part of the browser's answers but the credential id.
    const carried = stringsOfEvents(events).join('\n');
    for (const value of [
      options.challenge,
      login.challenge,
      credential.publicKey,
      ...Object.values(answer.response),
      ...Object.values(assertion.response),
    ])
      if (typeof value === 'string' && value !== credential.id) expect(carried).to.not.contain(value);
  });

  it('refused ceremonies publish no registration and no use', async () => {
    const options = await jam.passkeyRegistrationOptions(ALICE);
    await rejectsWith(
      jam.verifyPasskeyRegistration(ALICE, device.register(options, { origin: 'https://evil.example' })),
      'ERR_PASSKEY_INVALID',
    );
    await table.saveCredential(
      await jam.verifyPasskeyRegistration(
        ALICE,
        device.register(await jam.passkeyRegistrationOptions(ALICE)),
      ),
    );
    events.clear();
    await rejectsWith(signIn(undefined, { wrongKey: true }), 'ERR_PASSKEY_INVALID');
    const replayed = device.login(await jam.passkeyLoginOptions());
    await jam.verifyPasskeyLogin(replayed, table);
    await rejectsWith(jam.verifyPasskeyLogin(replayed, table), 'ERR_PASSKEY_CHALLENGE');
    expect(events.published.map((p) => p.channel)).to.deep.equal(['koa-jam:passkey.used']);
  });

  it('a counter that did not grow publishes passkey.counter (a possibly cloned authenticator); a forged answer does not', async () => {
    const credential = await jam.verifyPasskeyRegistration(
      ALICE,
      device.register(await jam.passkeyRegistrationOptions(ALICE)),
    );
    await table.saveCredential(credential);
    await signIn(5);
    await rejectsWith(signIn(5), 'ERR_PASSKEY_COUNTER');
    await rejectsWith(signIn(3), 'ERR_PASSKEY_COUNTER');
    await rejectsWith(signIn(1, { wrongKey: true }), 'ERR_PASSKEY_INVALID');
    const facts = { userId: 'user-1', credentialId: credential.id, stored: 5 };
    expect(events.of('koa-jam:passkey.counter')).to.deep.equal([
      { ...facts, received: 5 },
      { ...facts, received: 3 },
    ]);
    expect(events.of('koa-jam:passkey.used')).to.have.length(1);
  });
});
