import { expect } from 'chai';
import { Jam } from 'koa-jam';

// RFC 4226 Appendix D and RFC 6238 Appendix B: the seeds are ASCII digits, repeated to the hash length.
const seed = (length: number) => Buffer.from('1234567890'.repeat(7).slice(0, length));

describe('OTP test vectors', () => {
  it('RFC 4226 Appendix D: HOTP-SHA1, 6 digits, counters 0 to 9', () => {
    const jam = new Jam({ otp: { type: 'hotp' } });
    const expected = [
      '755224',
      '287082',
      '359152',
      '969429',
      '338314',
      '254676',
      '287922',
      '162583',
      '399871',
      '520489',
    ];
    expect(expected.map((_, counter) => jam.getOtpCode(seed(20), counter))).to.deep.equal(expected);
  });

  const rfc6238: [number, string, string, string][] = [
    // time, SHA-1, SHA-256, SHA-512
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  for (const [index, digest, length] of [
    [1, 'sha1', 20],
    [2, 'sha256', 32],
    [3, 'sha512', 64],
  ] as const) {
    it(`RFC 6238 Appendix B: TOTP-${digest.toUpperCase()}, 8 digits, 30 s`, async () => {
      const jam = new Jam({ otp: { digest, digits: 8 } });
      for (const row of rfc6238) {
        const [time] = row;
        expect(jam.getOtpCode(seed(length), time), `T=${time}`).to.equal(row[index]);
        expect(await jam.verifyOtpCode(seed(length), row[index], { factor: time, window: 0 })).to.equal(true);
      }
    });
  }
});
