import { expect } from 'chai';
import { Jam, type SessionInfo, type SessionOptions } from 'koa-jam';
import { rejectsWith } from '../../helpers/errors.js';
import { recordEvents, type EventRecorder } from '../../helpers/events.js';
import { STORE_KINDS, type StoreUnderTest } from '../../helpers/store-kinds.js';

let keys = 0;
const newKey = () => `devices-${process.pid}-${++keys}`;
const handles = (sessions: SessionInfo[]) => sessions.map((s) => s.handle);

for (const kind of STORE_KINDS) {
  describe(`a session key's sessions ("your devices") on the ${kind.name} store`, function () {
    this.timeout(15_000);
    let sut: StoreUnderTest;
    let events: EventRecorder;
    const opened: Jam[] = [];
    before(async function () {
      sut = await kind.open(this);
    });
    after(async () => sut?.close());
    beforeEach(() => (events = recordEvents()));
    afterEach(async () => {
      events.stop();
      await Promise.all(opened.splice(0).map((jam) => jam.close()));
    });

    function jamWith(session: SessionOptions = {}): Jam {
      const jam = new Jam({ session: { store: sut.store, storeTimeout: 5000, ...session } });
      opened.push(jam);
      return jam;
    }

    it('listSessions answers the live sessions of the key, oldest first, with their meta; `current` marks one', async () => {
      const jam = jamWith({ ttl: 600 });
      const [key, other] = [newKey(), newKey()];
      const first = await jam.createSession(key, { n: 1 }, { meta: { agent: 'Firefox', ip: '10.0.0.1' } });
      await sut.advance(20);
      const second = await jam.createSession(key, { n: 2 });
      await jam.createSession(other, { n: 3 });
      const created = events.of('koa-jam:session.created').filter((e) => e.sessionKey === key);

      const sessions = await jam.listSessions(key, { current: second });
      expect(sessions).to.have.length(2);
      // The handle is the reference events carry, so an operator can match them.
      expect(handles(sessions)).to.deep.equal(created.map((e) => e.session));
      const [one, two] = sessions;
      expect(one.handle).to.match(/^[A-Za-z0-9_-]{16}$/);
      expect(one.meta).to.deep.equal({ agent: 'Firefox', ip: '10.0.0.1' });
      expect(two.meta).to.equal(null);
      expect(one.current).to.equal(undefined);
      expect(two.current).to.equal(true);
      expect(one.createdAt).to.be.instanceOf(Date);
      expect(one.createdAt.getTime()).to.be.below(two.createdAt.getTime());
      expect(one.lastSeenAt.getTime()).to.equal(one.createdAt.getTime());
      expect(one.expiresAt.getTime()).to.equal(one.createdAt.getTime() + 600_000);
      expect(await jam.listSessions(newKey())).to.deep.equal([]);
      // Another instance on the same store lists them too (a shared Keyv for the memory kind: see below).
      if (sut.store !== undefined) expect(handles(await jamWith().listSessions(key))).to.have.length(2);
      expect(await jam.getSession(first)).to.deep.equal({ n: 1 });
    });

    it('a handle is no credential: it reads no session and is no part of the id', async () => {
      const jam = jamWith();
      const key = newKey();
      const id = await jam.createSession(key, {});
      const [{ handle }] = await jam.listSessions(key);
      expect(id).to.not.contain(handle);
      expect(await jam.getSession(handle)).to.equal(null);
      await rejectsWith(jam.updateSession(handle, {}), 'ERR_SESSION_NOT_FOUND');
    });

    it('refuses meta that is not a small plain object of JSON values, and unknown options', async () => {
      const jam = jamWith();
      const key = newKey();
      const cases: Array<[unknown, string]> = [
        ['Firefox', 'meta is not a plain object'],
        [{ at: new Date() }, 'meta.at is a Date'],
        [{ label: 'x'.repeat(1020) }, 'more than 1024'],
      ];
      for (const [meta, message] of cases) {
        const err = await rejectsWith(jam.createSession(key, {}, { meta } as never), 'ERR_INVALID_ARGUMENT');
        expect(err.message).to.contain(message);
      }
      await jam.createSession(key, {}, { meta: { label: 'x'.repeat(1000) } });
      const unknown = await rejectsWith(
        jam.createSession(key, {}, { metadata: {} } as never),
        'ERR_INVALID_ARGUMENT',
      );
      expect(unknown.message).to.contain('unknown option metadata');
      await rejectsWith(jam.listSessions(key, { current: 42 } as never), 'ERR_INVALID_ARGUMENT');
      await rejectsWith(jam.clearSessions(key, { except: null } as never), 'ERR_INVALID_ARGUMENT');
      await rejectsWith(jam.deleteSessionByHandle(key, undefined as never), 'ERR_INVALID_ARGUMENT');
      await rejectsWith(jam.listSessions(''), 'ERR_INVALID_ARGUMENT');
      expect(await jam.listSessions(key)).to.have.length(1);
    });

    it('deleteSessionByHandle ends that session only, and only among the key`s own', async () => {
      const jam = jamWith();
      const [key, other] = [newKey(), newKey()];
      const [gone, kept] = [await jam.createSession(key, { n: 1 }), await jam.createSession(key, { n: 2 })];
      const foreign = await jam.createSession(other, { n: 3 });
      const [target] = await jam.listSessions(key, { current: kept });
      const [foreignHandle] = handles(await jam.listSessions(other));
      events.clear();

      expect(await jam.deleteSessionByHandle(key, foreignHandle)).to.equal(false);
      expect(await jam.getSession(foreign)).to.deep.equal({ n: 3 });
      expect(await jam.deleteSessionByHandle(key, target.handle)).to.equal(true);
      expect(await jam.getSession(gone)).to.equal(null);
      expect(await jam.getSession(kept)).to.deep.equal({ n: 2 });
      expect(await jam.listSessions(key, { current: kept })).to.have.length(1);
      expect(events.of('koa-jam:session.ended')).to.deep.equal([
        { sessionKey: key, session: target.handle, reason: 'logout' },
      ]);
      // Gone, unknown or malformed: false, nothing else ends.
      for (const handle of [target.handle, 'A'.repeat(16), 'short', '!'.repeat(16)])
        expect(await jam.deleteSessionByHandle(key, handle), handle).to.equal(false);
      expect(await jam.getSession(kept)).to.deep.equal({ n: 2 });
    });

    it('clearSessions with `except` ends every other session of the key and keeps that one', async () => {
      const jam = jamWith();
      const [key, other] = [newKey(), newKey()];
      const ids = await Promise.all([1, 2, 3].map((n) => jam.createSession(key, { n })));
      const foreign = await jam.createSession(other, { n: 0 });
      const keptHandle = (await jam.listSessions(key, { current: ids[1] })).find((s) => s.current)!.handle;
      events.clear();

      await jam.clearSessions(key, { except: ids[1] });
      expect(await jam.getSession(ids[0])).to.equal(null);
      expect(await jam.getSession(ids[2])).to.equal(null);
      expect(await jam.getSession(ids[1])).to.deep.equal({ n: 2 });
      expect(await jam.getSession(foreign)).to.deep.equal({ n: 0 });
      expect(handles(await jam.listSessions(key))).to.deep.equal([keptHandle]);
      expect(events.of('koa-jam:session.ended')).to.deep.equal([
        { sessionKey: key, reason: 'clear', except: keptHandle },
      ]);
      // The kept session lives on like any other: updated, then ended by the next clear.
      await jam.updateSession(ids[1], { n: 22 });
      const later = await jam.createSession(key, { n: 4 });
      await jam.clearSessions(key, { except: later });
      expect(await jam.getSession(ids[1])).to.equal(null);
      expect(await jam.getSession(later)).to.deep.equal({ n: 4 });
      // A session of another key, a dead one or junk keeps nothing: every session of the key ends.
      for (const except of [foreign, ids[0], 'junk']) {
        const id = await jam.createSession(key, {});
        await jam.clearSessions(key, { except });
        expect(await jam.getSession(id), except).to.equal(null);
        expect(await jam.listSessions(key)).to.deep.equal([]);
      }
      expect(await jam.getSession(foreign)).to.deep.equal({ n: 0 });
    });

    it('the kept session reads as live throughout a clear that keeps it', async () => {
      const jam = jamWith();
      const key = newKey();
      const kept = await jam.createSession(key, { kept: true });
      let clearing = true;
      let reads = 0;
      const reader = (async () => {
        while (clearing) {
          expect(await jam.getSession(kept), `read ${reads}`).to.deep.equal({ kept: true });
          reads++;
        }
      })();
      for (let i = 0; i < 5; i++) {
        await jam.createSession(key, { other: i });
        await jam.clearSessions(key, { except: kept });
      }
      clearing = false;
      await reader;
      expect(reads).to.be.above(0);
      expect(await jam.listSessions(key)).to.have.length(1);
    });

    it('reworkSession and deleteSession take the session out of the list; rework keeps its meta', async () => {
      const jam = jamWith();
      const key = newKey();
      const id = await jam.createSession(key, {}, { meta: { agent: 'curl' } });
      const before = await jam.listSessions(key);
      const reworked = await jam.reworkSession(id);
      const after = await jam.listSessions(key, { current: reworked });
      expect(after).to.have.length(1);
      expect(after[0].handle).to.not.equal(before[0].handle);
      expect(after[0])
        .to.include({ current: true })
        .and.deep.include({ meta: { agent: 'curl' } });
      await jam.deleteSession(reworked);
      expect(await jam.listSessions(key)).to.deep.equal([]);
    });

    it('lastSeenAt moves once a tenth of the ttl has passed, without moving a fixed expiry', async () => {
      // Redis expires in real time: ttls short enough to pass, checks with wide margins.
      const fixed = jamWith({ ttl: 2 });
      const rolling = jamWith({ ttl: 2, rolling: true });
      const [fixedKey, rollingKey] = [newKey(), newKey()];
      const ids = [await fixed.createSession(fixedKey, {}), await rolling.createSession(rollingKey, {})];
      const [[f0], [r0]] = [await fixed.listSessions(fixedKey), await rolling.listSessions(rollingKey)];
      await sut.advance(50); // less than a tenth: the read writes nothing
      await fixed.getSession(ids[0]);
      expect((await fixed.listSessions(fixedKey))[0].lastSeenAt).to.deep.equal(f0.lastSeenAt);
      await sut.advance(300);
      await fixed.getSession(ids[0]);
      await rolling.getSession(ids[1]);
      const [[f1], [r1]] = [await fixed.listSessions(fixedKey), await rolling.listSessions(rollingKey)];
      expect(f1.lastSeenAt.getTime() - f0.lastSeenAt.getTime()).to.be.at.least(350);
      expect(f1.expiresAt).to.deep.equal(f0.expiresAt);
      expect(r1.lastSeenAt.getTime() - r0.lastSeenAt.getTime()).to.be.at.least(350);
      expect(r1.expiresAt.getTime() - r0.expiresAt.getTime()).to.be.at.least(350);
      // The fixed session still ends on time although it was written again.
      await sut.advance(1800);
      expect(await fixed.getSession(ids[0])).to.equal(null);
      expect(await fixed.listSessions(fixedKey)).to.deep.equal([]);
    });

    it('expired sessions leave the list and the index, as `expired-on-read` events naming the key', async () => {
      const jam = jamWith({ ttl: 0.5 });
      const key = newKey();
      const expiring = await Promise.all([1, 2, 3].map(() => jam.createSession(key, {})));
      const expiringHandles = handles(await jam.listSessions(key));
      await sut.advance(700);
      const live = await jam.createSession(key, {});
      events.clear();
      expect(handles(await jam.listSessions(key, { current: live }))).to.have.length(1);
      const ended = events.of('koa-jam:session.ended');
      expect(ended.map((e) => e.session).sort()).to.deep.equal([...expiringHandles].sort());
      for (const e of ended) expect(e).to.include({ sessionKey: key, reason: 'expired-on-read' });
      // Once out of the index they are not reported again.
      events.clear();
      await jam.listSessions(key);
      expect(events.of('koa-jam:session.ended')).to.deep.equal([]);
      expect(await jam.getSession(expiring[0])).to.equal(null);
    });

    it('createSession drops expired sessions from the index without a list, so it never grows without bound', async () => {
      const jam = jamWith({ ttl: 0.3 });
      const key = newKey();
      const ids = await Promise.all([1, 2, 3, 4].map(() => jam.createSession(key, {})));
      await sut.advance(400);
      await jam.createSession(key, {}); // keeps the index entry itself alive, which expires with its last session
      // The index holds each one for a ttl past its expiry (slack for clocks that differ between processes).
      await sut.advance(350);
      events.clear();
      await jam.createSession(key, {});
      const ended = events.of('koa-jam:session.ended');
      expect(ended.map((e) => e.reason)).to.deep.equal(Array(4).fill('expired-on-read'));
      expect(await jam.getSession(ids[0])).to.equal(null);
      expect(await jam.listSessions(key)).to.have.length(1);
    });

    it('beyond session.maxPerKey, a create ends the oldest session of the key, as a `limit` event', async () => {
      const jam = jamWith({ ttl: 600, maxPerKey: 3 });
      const key = newKey();
      const ids: string[] = [];
      for (let n = 0; n < 3; n++) {
        ids.push(await jam.createSession(key, { n }));
        await sut.advance(20);
      }
      const [oldest] = handles(await jam.listSessions(key));
      events.clear();
      ids.push(await jam.createSession(key, { n: 3 }));
      expect(await jam.getSession(ids[0])).to.equal(null);
      expect(await jam.getSession(ids[1])).to.deep.equal({ n: 1 });
      const listed = await jam.listSessions(key, { current: ids[3] });
      expect(listed).to.have.length(3);
      expect(handles(listed)).not.to.include(oldest);
      const ended = events.of('koa-jam:session.ended');
      expect(ended).to.deep.equal([{ sessionKey: key, session: oldest, reason: 'limit' }]);
    });

    it('an updateSession or a touch racing deleteSession never writes the session back', async () => {
      const jam = jamWith({ ttl: 5, rolling: true });
      const key = newKey();
      const ids = await Promise.all(Array.from({ length: 40 }, (_, n) => jam.createSession(key, { n })));
      await sut.advance(600); // past a tenth of the ttl: every read below also writes (a touch)
      await Promise.all(
        ids.map((id, n) =>
          Promise.all([
            n % 2
              ? jam.updateSession(id, { n, updated: true }).catch(() => 'ended first')
              : jam.getSession(id),
            jam.deleteSession(id),
          ]),
        ),
      );
      for (const id of ids) expect(await jam.getSession(id)).to.equal(null);
      expect(await jam.listSessions(key)).to.deep.equal([]);
    });
  });
}
