import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { Jam } from 'koa-jam';
import { MANY_SESSIONS } from '../../helpers/many-sessions.js';
import { race } from '../../../test-support/race.js';
import { devicesRacer, type DevicesJob } from '../../helpers/devices-racer.js';
import { STORE_KINDS, type StoreUnderTest } from '../../helpers/store-kinds.js';

/** A session's handle, as docs/sessions.md defines it: 16 characters of the SHA-256 of its (plain) id. */
const handleOf = (id: string) =>
  createHash('sha256').update(Buffer.from(id, 'base64url')).digest('base64url').slice(0, 16);

for (const kind of STORE_KINDS.filter((k) => k.name !== 'memory')) {
  describe(`listSessions across processes sharing ${kind.name}`, function () {
    this.timeout(60_000);
    let sut: StoreUnderTest;
    let jam: Jam;
    let keys = 0;
    const newKey = () => `devices-race-${++keys}`;
    before(async function () {
      sut = await kind.open(this);
      // The racing processes write times by the real clock; this process reads the same store.
      await sut.advance(Math.max(0, performance.timeOrigin + performance.now() - Date.now()));
      jam = new Jam({ session: { store: sut.store, storeTimeout: 10_000, maxPerKey: MANY_SESSIONS } });
    });
    after(async () => {
      await jam?.close();
      await sut?.close();
    });

    const racing = (jobs: DevicesJob[]) =>
      race(
        devicesRacer,
        jobs.map((job) => ({ ...job, store: sut.store! })),
      );

    it('lists every session two processes create while a third lists, and none that a fourth ended by handle', async () => {
      const sessionKey = newKey();
      const create = { role: 'create', sessionKey, count: 30, forMs: 20_000, lanes: 4 } as const;
      const [one, two, lists] = await racing([create, create, { role: 'list', sessionKey, forMs: 400 }]);
      const created = [...one, ...two];
      const all = created.map((c) => handleOf(c.id!));
      expect(new Set((await jam.listSessions(sessionKey)).map((s) => s.handle))).to.deep.equal(new Set(all));
      // While they were being created: each list had every session created before it began, and no other.
      expect(lists.length).to.be.at.least(2);
      for (const list of lists) {
        const before = created.filter((c) => c.end < list.start).map((c) => handleOf(c.id!));
        expect(list.handles).to.include.members(before);
        expect(all).to.include.members(list.handles!);
      }

      const ended = all.filter((_, i) => i % 2 === 0);
      const [ends, listsWhileEnding] = await racing([
        { role: 'end', sessionKey, handles: ended },
        { role: 'list', sessionKey, forMs: 300 },
      ]);
      expect(ends.every((e) => e.ended)).to.equal(true);
      const left = (await jam.listSessions(sessionKey)).map((s) => s.handle);
      expect(new Set(left)).to.deep.equal(new Set(all.filter((h) => !ended.includes(h))));
      for (const c of created.filter((c) => ended.includes(handleOf(c.id!))))
        expect(await jam.getSession(c.id!)).to.equal(null);
      for (const list of listsWhileEnding) {
        const gone = ends.filter((e) => e.end < list.start).map((e) => e.handle!);
        for (const handle of gone) expect(list.handles).to.not.include(handle);
      }
    });

    it('a clear that keeps one session, raced by creates and lists in other processes, keeps it, ends all before it and lists nothing it ended', async () => {
      const sessionKey = newKey();
      const kept = await jam.createSession(sessionKey, { kept: true });
      const done = `${sessionKey}-cleared`; // the clearing process's signal that its last clear has returned
      const [created, clears, lists] = await racing([
        { role: 'create', sessionKey, forMs: 20_000, lanes: 4, until: done },
        { role: 'clear', sessionKey, except: kept, times: 3, everyMs: 50, signal: done },
        { role: 'list', sessionKey, forMs: 1000, read: kept },
      ]);
      const lastClear = clears.at(-1)!;
      const before = created.filter((c) => c.end < lastClear.start);
      const after = created.filter((c) => c.start > lastClear.end);
      // The race is real: sessions on both sides of the last clear, several lists.
      expect(before.length, 'created before the last clear').to.be.at.least(5);
      expect(after.length, 'created after the last clear').to.be.at.least(1);
      expect(lists.length).to.be.at.least(3);

      expect(await jam.getSession(kept)).to.deep.equal({ kept: true });
      const listed = new Set((await jam.listSessions(sessionKey)).map((s) => s.handle));
      expect(listed.has(handleOf(kept))).to.equal(true);
      for (const c of before) {
        expect(await jam.getSession(c.id!)).to.equal(null);
        expect(listed.has(handleOf(c.id!))).to.equal(false);
      }
      for (const c of after) {
        expect(await jam.getSession(c.id!)).to.not.equal(null);
        expect(listed.has(handleOf(c.id!))).to.equal(true);
      }
      // Every list along the way had the kept session, which read as live, and none that a clear finished
      // before it began had ended.
      for (const list of lists) {
        expect(list.handles).to.include(handleOf(kept));
        expect(list.readLive).to.equal(true);
        const endedBefore = created.filter((c) => clears.some((k) => c.end < k.start && k.end < list.start));
        for (const c of endedBefore) expect(list.handles).to.not.include(handleOf(c.id!));
      }
    });
  });
}
