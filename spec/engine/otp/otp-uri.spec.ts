import { expect } from 'chai';
import { Jam, JamError, generateOtpSecret } from 'koa-jam';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

function parse(uri: string) {
  const url = new URL(uri);
  return {
    type: url.host,
    label: decodeURIComponent(url.pathname.slice(1)),
    params: Object.fromEntries(url.searchParams),
  };
}

describe('getOtpUri', () => {
  it('TOTP: issuer:name label, unpadded secret, issuer, algorithm, digits and the configured period', () => {
    const jam = new Jam({ otp: { digest: 'sha256', digits: 8, interval: 60 } });
    const uri = jam.getOtpUri(SECRET, { name: 'alice@example.com', issuer: 'ACME Co' });
    expect(uri).to.match(/^otpauth:\/\/totp\/ACME%20Co:alice%40example\.com\?/);
    expect(uri).not.to.contain('+');
    expect(parse(uri)).to.deep.equal({
      type: 'totp',
      label: 'ACME Co:alice@example.com',
      params: { secret: SECRET, issuer: 'ACME Co', algorithm: 'SHA256', digits: '8', period: '60' },
    });
  });

  it('HOTP: says hotp and carries the counter (default 0), with no period', () => {
    const jam = new Jam({ otp: { type: 'hotp' } });
    expect(parse(jam.getOtpUri(SECRET, { name: 'bob', issuer: 'Shop', counter: 42 }))).to.deep.equal({
      type: 'hotp',
      label: 'Shop:bob',
      params: { secret: SECRET, issuer: 'Shop', algorithm: 'SHA1', digits: '6', counter: '42' },
    });
    expect(parse(jam.getOtpUri(SECRET, { name: 'bob', issuer: 'Shop' })).params.counter).to.equal('0');
  });

  it('encodes a byte secret, or a padded lower-case one, as unpadded upper-case base32', () => {
    const jam = new Jam({ otp: {} });
    const bytes = Buffer.from('12345678901234567890');
    expect(parse(jam.getOtpUri(bytes, { name: 'a', issuer: 'b' })).params.secret).to.equal(
      'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
    );
    const odd = generateOtpSecret(17); // 17 bytes: base32 with padding when padded
    expect(
      parse(jam.getOtpUri(odd.toLowerCase() + '=====', { name: 'a', issuer: 'b' })).params.secret,
    ).to.equal(odd);
  });

  it('refuses a colon in the name or issuer, empty names, and a bad counter, with ERR_INVALID_ARGUMENT', () => {
    const jam = new Jam({ otp: { type: 'hotp' } });
    for (const options of [
      { name: 'a:b', issuer: 'x' },
      { name: 'a', issuer: 'x:y' },
      { name: '', issuer: 'x' },
      { name: 'a', issuer: undefined as unknown as string },
      { name: 'a', issuer: 'x', counter: -1 },
      { name: 'a', issuer: 'x', counter: 1.5 },
    ]) {
      expect(() => jam.getOtpUri(SECRET, options), JSON.stringify(options))
        .to.throw(JamError)
        .with.property('code', 'ERR_INVALID_ARGUMENT');
    }
  });
});
