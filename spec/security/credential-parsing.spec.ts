import { expect } from 'chai';
import Koa from 'koa';
import { Jam, jamJwt, type JamJwtOptions } from 'koa-jam';
import request from 'supertest';
import { SECRET } from '../helpers/keys.js';
import { guardedApp, REASON_HEADER } from './guarded-app.js';

/** What jamJwt made of a request: the `sub` it let through, or the reason it stayed anonymous. */
type Outcome = { sub: string } | { anonymous: 'none' | 'ERR_JWT_INVALID' };

describe('security: how credentials are read from a request (RFC 6750 §2.1, RFC 7235 §2.1)', () => {
  const jam = new Jam({ jwt: { secretKey: SECRET } });
  let alice: string;
  let bob: string;
  before(async () => {
    alice = await jam.genJwtToken(jam.makePayload({ sub: 'alice' }));
    bob = await jam.genJwtToken(jam.makePayload({ sub: 'bob' }));
  });

  async function outcome(headers: Array<[string, string | string[]]>, options?: JamJwtOptions) {
    let req = request(guardedApp(jam, options).app.callback()).get('/');
    // superagent sends an array value as that many header lines; its types only admit that for Cookie
    for (const [name, value] of headers) req = req.set(name, value as string);
    const res = await req;
    if (res.status === 200) return { sub: res.body.payload.sub } as Outcome;
    expect(res.status).to.equal(401);
    return { anonymous: res.headers[REASON_HEADER] } as Outcome;
  }

  describe('the Authorization header', () => {
    const cases: Array<[string, (t: string) => string, 'accepted' | 'none' | 'ERR_JWT_INVALID']> = [
      ['Bearer <token>', (t) => `Bearer ${t}`, 'accepted'],
      ['the scheme in any case', (t) => `bEaReR ${t}`, 'accepted'],
      ['several spaces before the token', (t) => `Bearer    ${t}`, 'accepted'],
      ['spaces around the value (Node trims them)', (t) => `   Bearer ${t}   `, 'accepted'],
      ['Bearer with no token', () => 'Bearer', 'none'],
      ['Bearer and spaces only', () => 'Bearer    ', 'none'],
      ['a tab instead of a space (only SP is allowed)', (t) => `Bearer\t${t}`, 'none'],
      ['no space after the scheme', (t) => `Bearer${t}`, 'none'],
      ['Bearer=<token>', (t) => `Bearer=${t}`, 'none'],
      ['Bearer:<token>', (t) => `Bearer: ${t}`, 'none'],
      ['a second word after the token', (t) => `Bearer ${t} ${t}`, 'none'],
      ['two credentials in one header, comma-separated', (t) => `Bearer ${t}, Bearer ${t}`, 'none'],
      ['another scheme', (t) => `Token ${t}`, 'none'],
      ['Basic', () => `Basic ${Buffer.from('alice:pw').toString('base64')}`, 'none'],
      ['the token without a scheme', (t) => t, 'none'],
      ['a token glued to another by a comma', (t) => `Bearer ${t},${t}`, 'ERR_JWT_INVALID'],
    ];
    for (const [name, header, expected] of cases) {
      it(`${name}: ${expected === 'accepted' ? 'accepted' : `anonymous (${expected})`}`, async () => {
        const result = await outcome([['Authorization', header(alice)]]);
        expect(result).to.deep.equal(expected === 'accepted' ? { sub: 'alice' } : { anonymous: expected });
      });
    }

    it('sent twice, is no credential at all, whichever copy is valid (Node alone would keep the first)', async () => {
      for (const pair of [
        [`Bearer ${alice}`, `Bearer ${bob}`],
        [`Bearer ${alice}`, 'Bearer forged'],
        ['Bearer forged', `Bearer ${alice}`],
        [`Bearer ${alice}`, `Bearer ${alice}`],
      ]) {
        expect(await outcome([['Authorization', pair]])).to.deep.equal({ anonymous: 'none' });
      }
    });

    it('a header set by an earlier middleware rather than sent is read like a sent one', async () => {
      const app = new Koa();
      app.use((ctx, next) => {
        ctx.request.headers.authorization = `Bearer ${alice}`;
        return next();
      });
      app.use(jamJwt(jam));
      app.use((ctx) => (ctx.body = ctx.state.payload));
      expect((await request(app.callback()).get('/')).body).to.include({ sub: 'alice' });
    });

    it('the same holds for a custom header name (which Node would join with a comma)', async () => {
      const options = { headerName: 'X-Token' };
      expect(await outcome([['X-Token', `Bearer ${alice}`]], options)).to.deep.equal({ sub: 'alice' });
      expect(await outcome([['X-Token', [`Bearer ${alice}`, `Bearer ${bob}`]]], options)).to.deep.equal({
        anonymous: 'none',
      });
    });
  });

  describe('a cookie and a header', () => {
    const both = { cookieName: 'jwt' };

    it('when both are sent, the cookie is the credential and the header is not read', async () => {
      const headers: Array<[string, string]> = [
        ['Cookie', `jwt=${alice}`],
        ['Authorization', `Bearer ${bob}`],
      ];
      expect(await outcome(headers, both)).to.deep.equal({ sub: 'alice' });
    });

    it('an invalid cookie does not fall back to a valid header: the request is anonymous', async () => {
      const headers: Array<[string, string]> = [
        ['Cookie', 'jwt=forged'],
        ['Authorization', `Bearer ${bob}`],
      ];
      expect(await outcome(headers, both)).to.deep.equal({ anonymous: 'ERR_JWT_INVALID' });
    });

    it('an empty cookie counts as absent, so the header is read', async () => {
      const headers: Array<[string, string]> = [
        ['Cookie', 'jwt='],
        ['Authorization', `Bearer ${bob}`],
      ];
      expect(await outcome(headers, both)).to.deep.equal({ sub: 'bob' });
    });

    it('of two cookies with the name, the first is read (RFC 6265 §5.4 puts the longest path first)', async () => {
      expect(await outcome([['Cookie', `jwt=${alice}; jwt=${bob}`]], both)).to.deep.equal({ sub: 'alice' });
      expect(await outcome([['Cookie', [`jwt=${bob}`, `jwt=${alice}`]]], both)).to.deep.equal({ sub: 'bob' });
    });

    it('a quoted cookie value is unquoted; a cookie whose name only ends with the name is not read', async () => {
      expect(await outcome([['Cookie', `jwt="${alice}"`]], both)).to.deep.equal({ sub: 'alice' });
      expect(await outcome([['Cookie', `xjwt=${alice}`]], both)).to.deep.equal({ anonymous: 'none' });
    });
  });
});
