import { expect } from 'chai';
import { Jam, JamError, type Clock, type OAuth2Options } from 'koa-jam';
import { CookieBrowser } from '../../helpers/cookie-browser.js';
import { rejectsWith } from '../../helpers/errors.js';
import { startIdp, type TestIdp } from '../../helpers/oidc-provider.js';
import { STORE_KINDS, type StoreUnderTest } from '../../helpers/store-kinds.js';

const redirectUri = 'http://127.0.0.1:9/auth/example/callback'; // never fetched: the spec completes by hand

describe('oauth2 login transactions, in every store', function () {
  this.timeout(20_000);
  let idp: TestIdp;
  before(async () => {
    idp = await startIdp(() => [
      { client_id: 'app', client_secret: 'app-secret', redirect_uris: [redirectUri] },
    ]);
  });
  after(() => idp.close());

  for (const kind of STORE_KINDS) {
    describe(kind.name, () => {
      let store: StoreUnderTest;
      const jams: Jam[] = [];
      const jamWith = (extra: Partial<OAuth2Options> = {}, clock?: Clock) => {
        const providers = {
          example: { issuer: idp.issuer, clientId: 'app', clientSecret: 'app-secret', redirectUri },
        };
        const jam = new Jam({ oauth2: { providers, store: store.store, ...extra } }, { clock });
        jams.push(jam);
        return jam;
      };
      /** A login started with `jam` and walked at the provider: what a callback would carry. */
      async function started(jam: Jam) {
        const start = await jam.beginLogin('example', { returnTo: '/next' });
        const callback = await new CookieBrowser().authorize(start.url, 'alice');
        return { query: callback.search, browserKey: start.browserKey };
      }
      before(async function () {
        store = await kind.open(this);
      });
      after(async () => {
        await Promise.all(jams.map((jam) => jam.close()));
        await store?.close();
      });

      it('completes once; the same callback again is refused', async () => {
        const jam = jamWith();
        const callback = await started(jam);
        const login = await jam.completeLogin('example', callback);
        expect(login).to.include({ provider: 'example', returnTo: '/next' });
        expect(login.claims.sub).to.equal('alice');
        const again = await rejectsWith(jam.completeLogin('example', callback), 'ERR_OAUTH2');
        expect(again.detail).to.include({ reason: 'unknown' });
      });

      it('of racing completions of one callback, in two instances sharing the store, exactly one wins', async () => {
        const [one, two] = [jamWith(), jamWith()];
        const callback = await started(one);
        const outcomes = await Promise.all(
          [one, two, one, two].map((jam) =>
            jam.completeLogin('example', callback).catch((err: JamError) => err),
          ),
        );
        expect(outcomes.filter((o) => !(o instanceof JamError))).to.have.length(1);
        for (const refused of outcomes.filter((o) => o instanceof JamError)) {
          expect(refused.detail?.reason).to.be.oneOf(['replayed', 'unknown']);
        }
      });

      it('forgets a login after oauth2.ttl', async () => {
        const jam = jamWith({ ttl: 3 });
        const callback = await started(jam);
        await store.advance(3_100);
        const expired = await rejectsWith(jam.completeLogin('example', callback), 'ERR_OAUTH2');
        expect(expired.detail).to.include({ reason: 'unknown' });
      });

      it("forgets a login after oauth2.ttl on the Jam's clock, also while the store still holds it", async () => {
        let now = Date.now();
        const jam = jamWith({ ttl: 60 }, { now: () => now });
        const callback = await started(jam);
        now += 60_000;
        const expired = await rejectsWith(jam.completeLogin('example', callback), 'ERR_OAUTH2');
        expect(expired.detail).to.include({ reason: 'unknown' });
        // koa-jam's memory store follows the Jam's clock; the others expire on their own, still a minute away.
        expect(expired.message).to.match(kind.name === 'memory' ? /no login transaction/ : /expired/);
      });
    });
  }
});
