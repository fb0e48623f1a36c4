import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { Jam, MemoryStore, type SessionOptions } from 'koa-jam';
import Keyv from 'keyv';
import { rejectsWith } from '../../helpers/errors.js';
import { STORE_KINDS, type StoreUnderTest } from '../../helpers/store-kinds.js';

const KEY = randomBytes(32).toString('base64url');
let keys = 0;
const newKey = () => `user-${++keys}`;

for (const kind of STORE_KINDS) {
  describe(`sessions on the ${kind.name} store`, function () {
    this.timeout(10_000);
    let sut: StoreUnderTest;
    const opened: Jam[] = [];
    before(async function () {
      sut = await kind.open(this);
    });
    after(async () => sut?.close());
    afterEach(async () => void (await Promise.all(opened.splice(0).map((jam) => jam.close()))));

    function jamWith(session: SessionOptions = {}): Jam {
      // A generous storeTimeout: on a loaded machine these are behaviour specs, not timing ones.
      const jam = new Jam({ session: { store: sut.store, storeTimeout: 5000, ...session } });
      opened.push(jam);
      return jam;
    }

    it('createSession answers a fresh URL-safe id (a keyed tag, then 192 random bits); getSession the data, as JSON', async () => {
      const jam = jamWith();
      interface Profile {
        user: number;
        name: string;
        roles: string[];
        nested: { ok: boolean; none: null };
        n: number;
      }
      const data: Profile = {
        user: 1,
        name: 'Zoë',
        roles: ['a', 'b'],
        nested: { ok: true, none: null },
        n: -1.5,
      };
      const ids = await Promise.all([1, 2, 3].map(() => jam.createSession('alice', data)));
      for (const id of ids) expect(id).to.match(/^[A-Za-z0-9_-]{54}$/);
      expect(new Set(ids).size).to.equal(3);
      // 16 bytes of tag, the same for every id of one session key, another for another key.
      const tagOf = (id: string) => Buffer.from(id, 'base64url').subarray(0, 16).toString('hex');
      expect(new Set(ids.map(tagOf)).size).to.equal(1);
      expect(tagOf(await jam.createSession('bob', data))).to.not.equal(tagOf(ids[0]));
      // Keyed, not a hash of the session key: another store (another tag key) tags alice differently.
      const elsewhere = jamWith({ store: undefined });
      expect(tagOf(await elsewhere.createSession('alice', data))).to.not.equal(tagOf(ids[0]));
      expect(await jam.getSession<Profile>(ids[0])).to.deep.equal(data);
    });

    it('getSession answers a copy: changing it changes nothing stored', async () => {
      const jam = jamWith();
      const id = await jam.createSession(newKey(), { list: [1] });
      const first = (await jam.getSession<{ list: number[] }>(id))!;
      first.list.push(2);
      expect(await jam.getSession(id)).to.deep.equal({ list: [1] });
    });

    it('stores strings exactly, also those that look like a serializer escape or a Buffer', async () => {
      const jam = jamWith();
      const data = { colon: ':x', colons: '::y', buffer: ':base64:AAAA', quote: '"', empty: '' };
      const id = await jam.createSession(newKey(), data);
      expect(await jam.getSession(id)).to.deep.equal(data);
    });

    it('getSession answers null for an unknown, malformed or non-string id', async () => {
      const jam = jamWith();
      await jam.createSession(newKey(), { user: 1 });
      const unknown = randomBytes(24).toString('base64url');
      for (const id of [unknown, '', 'short', 'x'.repeat(10_000), `${unknown}=`, 42, null]) {
        expect(await jam.getSession(id as string), String(id).slice(0, 20)).to.equal(null);
      }
    });

    it('refuses data that would not come back as it went in, naming the path', async () => {
      const jam = jamWith();
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const cases: Array<[unknown, string]> = [
        [{ at: new Date() }, 'data.at is a Date'],
        [{ f: () => 1 }, 'data.f is a function'],
        [{ u: undefined }, 'data.u is a undefined'],
        [{ n: [1, NaN] }, 'data.n[1] is NaN'],
        [{ big: 1n }, 'data.big is a bigint'],
        [{ m: new Map() }, 'data.m is a Map'],
        [cyclic, 'data.self is a circular reference'],
        [[1], 'data is not a plain object'],
        [null, 'data is not a plain object'],
      ];
      for (const [data, message] of cases) {
        const err = await rejectsWith(jam.createSession('alice', data as never), 'ERR_INVALID_ARGUMENT');
        expect(err.message).to.contain(message);
      }
      const id = await jam.createSession('alice', { ok: 1 });
      await rejectsWith(jam.updateSession(id, { at: new Date() }), 'ERR_INVALID_ARGUMENT');
      expect(await jam.getSession(id)).to.deep.equal({ ok: 1 });
      await rejectsWith(jam.createSession('', {}), 'ERR_INVALID_ARGUMENT');
    });

    it('updateSession replaces the data and restarts the ttl; an unknown id is ERR_SESSION_NOT_FOUND', async () => {
      // Redis expires in real time: every "still there" check keeps a wide margin before the expiry.
      const jam = jamWith({ ttl: 0.6 });
      const id = await jam.createSession(newKey(), { step: 1 });
      await sut.advance(400);
      await jam.updateSession(id, { step: 2 });
      await sut.advance(300);
      expect(await jam.getSession(id)).to.deep.equal({ step: 2 });
      await sut.advance(400);
      expect(await jam.getSession(id)).to.equal(null);
      await rejectsWith(jam.updateSession(id, { step: 3 }), 'ERR_SESSION_NOT_FOUND');
      await rejectsWith(jam.updateSession('malformed', {}), 'ERR_SESSION_NOT_FOUND');
    });

    it('sessions expire after the ttl', async () => {
      const jam = jamWith({ ttl: 0.6 });
      const id = await jam.createSession(newKey(), { user: 1 });
      await sut.advance(100);
      expect(await jam.getSession(id)).to.deep.equal({ user: 1 });
      await sut.advance(600);
      expect(await jam.getSession(id)).to.equal(null);
    });

    it('rolling sessions live as long as they are used', async () => {
      const rolling = jamWith({ ttl: 0.8, rolling: true });
      const fixed = jamWith({ ttl: 0.8 });
      const ids = [
        await rolling.createSession(newKey(), { a: 1 }),
        await fixed.createSession(newKey(), { a: 1 }),
      ];
      for (let i = 0; i < 3; i++) {
        await sut.advance(450);
        expect(await rolling.getSession(ids[0]), `read ${i}`).to.deep.equal({ a: 1 });
      }
      expect(await fixed.getSession(ids[1])).to.equal(null);
      await sut.advance(900);
      expect(await rolling.getSession(ids[0])).to.equal(null);
    });

    it('deleteSession ends one session; deleting it again or an unknown id is no error', async () => {
      const jam = jamWith();
      const key = newKey();
      const [gone, kept] = [await jam.createSession(key, { n: 1 }), await jam.createSession(key, { n: 2 })];
      await jam.deleteSession(gone);
      expect(await jam.getSession(gone)).to.equal(null);
      expect(await jam.getSession(kept)).to.deep.equal({ n: 2 });
      await jam.deleteSession(gone);
      await jam.deleteSession('not-an-id');
    });

    it('clearSessions ends every session of that key and no other; later sessions work', async () => {
      const jam = jamWith();
      const [key, other] = [newKey(), newKey()];
      const ids = await Promise.all([1, 2, 3].map((n) => jam.createSession(key, { n })));
      const otherId = await jam.createSession(other, { n: 0 });
      await jam.clearSessions(key);
      for (const id of ids) expect(await jam.getSession(id)).to.equal(null);
      await rejectsWith(jam.updateSession(ids[0], {}), 'ERR_SESSION_NOT_FOUND');
      expect(await jam.getSession(otherId)).to.deep.equal({ n: 0 });
      const later = await jam.createSession(key, { n: 4 });
      expect(await jam.getSession(later)).to.deep.equal({ n: 4 });
      await jam.clearSessions(newKey()); // a key that never had a session
    });

    it('reworkSession answers a new id for the same data and ends the old one at once', async () => {
      const jam = jamWith();
      const key = newKey();
      const old = await jam.createSession(key, { user: 7 });
      const reworked = await jam.reworkSession(old);
      expect(reworked).not.to.equal(old);
      expect(await jam.getSession(old)).to.equal(null);
      expect(await jam.getSession(reworked)).to.deep.equal({ user: 7 });
      await rejectsWith(jam.reworkSession(old), 'ERR_SESSION_NOT_FOUND');
      await rejectsWith(jam.updateSession(old, {}), 'ERR_SESSION_NOT_FOUND');
      await jam.clearSessions(key);
      expect(await jam.getSession(reworked)).to.equal(null);
    });

    it('one store serves several instances: what one creates, another reads and clears', async () => {
      // The default memory store belongs to its instance; a Keyv can be shared.
      const store = sut.store ?? new Keyv({ store: new MemoryStore() });
      const [one, two] = [jamWith({ store }), jamWith({ store })];
      const key = newKey();
      const id = await one.createSession(key, { user: 1 });
      expect(await two.getSession(id)).to.deep.equal({ user: 1 });
      await two.clearSessions(key);
      expect(await one.getSession(id)).to.equal(null);
    });

    describe('with an encryptionKey', () => {
      it('hands out sealed ids that work like plain ones', async () => {
        const jam = jamWith({ encryptionKey: KEY });
        const id = await jam.createSession(newKey(), { user: 1 });
        expect(id).to.match(/^s1\.[A-Za-z0-9_-]{91}$/);
        expect(await jam.getSession(id)).to.deep.equal({ user: 1 });
        const reworked = await jam.reworkSession(id);
        expect(reworked).to.match(/^s1\./);
        expect(await jam.getSession(reworked)).to.deep.equal({ user: 1 });
      });

      it('answers null for an altered id, one sealed with another key, or an unsealed one', async () => {
        const jam = jamWith({ encryptionKey: KEY });
        const other = jamWith({ encryptionKey: randomBytes(32).toString('hex') });
        const plain = jamWith();
        const id = await jam.createSession(newKey(), { user: 1 });
        for (let i = 3; i < id.length; i += 7) {
          const altered = id.slice(0, i) + (id[i] === 'A' ? 'B' : 'A') + id.slice(i + 1);
          expect(await jam.getSession(altered), `char ${i}`).to.equal(null);
        }
        expect(await other.getSession(id)).to.equal(null);
        expect(await plain.getSession(id)).to.equal(null);
        expect(await jam.getSession(await plain.createSession(newKey(), { user: 2 }))).to.equal(null);
      });
    });
  });
}
