import { expect } from 'chai';
import { Jam, MemoryStore } from 'koa-jam';
import Keyv from 'keyv';
import { commandsBetween, redisCommandCounts } from '../../helpers/redis-commands.js';
import { STORE_KINDS } from '../../helpers/store-kinds.js';

const READS = 50;
const SESSION_KEYS = 20;

for (const kind of STORE_KINDS.filter((k) => k.name.startsWith('Redis'))) {
  describe(`a session read on ${kind.name} is one command`, function () {
    this.timeout(30_000);

    it(`INFO commandstats counts ${READS} commands for ${READS} getSession calls (record and generation in one MGET)`, async function () {
      const sut = await kind.open(this);
      const jam = new Jam({ session: { store: sut.store, storeTimeout: 5000 } });
      try {
        // Session keys spread over many hash slots, some cleared, so the reads meet every kind of record.
        const ids: string[] = [];
        for (let i = 0; i < SESSION_KEYS; i++) ids.push(await jam.createSession(`user-${i}`, { i }));
        for (let i = 0; i < SESSION_KEYS; i += 4) await jam.clearSessions(`user-${i}`);
        ids.push(await jam.createSession('user-0', { i: 0, again: true }));
        const before = redisCommandCounts(sut.redisPorts!);
        let found = 0;
        for (let read = 0; read < READS; read++) {
          if ((await jam.getSession(ids[read % ids.length])) !== null) found++;
        }
        const ran = commandsBetween(before, redisCommandCounts(sut.redisPorts!));
        expect(ran).to.deep.equal({ mget: READS });
        expect(found, 'cleared sessions read as absent, the others as present').to.be.within(1, READS - 1);
      } finally {
        await jam.close();
        await sut.close();
      }
    });
  });
}

for (const kind of STORE_KINDS.filter((k) => k.name.startsWith('Redis'))) {
  describe(`what "Your devices" costs on ${kind.name} (docs/sessions.md)`, function () {
    this.timeout(30_000);

    it('createSession, listSessions, deleteSession and a read past a tenth of the ttl: the commands each sends', async function () {
      const sut = await kind.open(this);
      const jam = new Jam({ session: { store: sut.store, storeTimeout: 5000, ttl: 20 } });
      const commands = async (call: () => Promise<unknown>) => {
        const before = redisCommandCounts(sut.redisPorts!);
        await call();
        return commandsBetween(before, redisCommandCounts(sut.redisPorts!));
      };
      try {
        await jam.createSession('alice', {}); // the tag key is read once per process
        // The generation, the record, then the index entry: a read and a compare-and-set (INFO commandstats
        // also counts the GET and SET inside the script): 4 round trips.
        let id = '';
        expect(await commands(async () => (id = await jam.createSession('alice', {})))).to.deep.equal({
          get: 3,
          set: 2,
          eval: 1,
        });
        // The index, then every record with the generation in one MGET.
        expect(await commands(() => jam.listSessions('alice'))).to.deep.equal({ get: 1, mget: 1 });
        expect(await commands(() => jam.getSession(id))).to.deep.equal({ mget: 1 });
        await sut.advance(2100); // past a tenth of the ttl (Redis keeps real time): the read writes the record again, a compare-and-set
        expect(await commands(() => jam.getSession(id))).to.deep.equal({ mget: 1, get: 2, set: 1, eval: 1 });
        expect(await commands(() => jam.getSession(id))).to.deep.equal({ mget: 1 });
        // The record, then the index (the spec run subscribes to events: a read says whether it was live).
        expect(await commands(() => jam.deleteSession(id))).to.deep.equal({
          mget: 1,
          unlink: 1,
          get: 2,
          set: 1,
          eval: 1,
        });
      } finally {
        await jam.close();
        await sut.close();
      }
    });
  });
}

describe('a session read on the memory store is one store call', () => {
  it('getSession calls the store once, whether the session exists, was cleared or never was', async () => {
    const store = new MemoryStore();
    const calls: string[] = [];
    let inside = 0; // only the calls Keyv makes, not getMany's own reads of each key
    for (const method of ['get', 'getMany', 'set', 'delete'] as const) {
      const original = store[method].bind(store) as (...args: unknown[]) => unknown;
      (store as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        if (inside === 0) calls.push(method);
        inside++;
        try {
          return original(...args);
        } finally {
          inside--;
        }
      };
    }
    const keyv = new Keyv({ store });
    const jam = new Jam({ session: { store: keyv } });
    try {
      const live = await jam.createSession('alice', { user: 1 });
      const cleared = await jam.createSession('bob', { user: 2 });
      await jam.clearSessions('bob');
      const carol = await jam.createSession('carol', {});
      // Another random part (the last character only carries 2 bits: changing it could make a non-canonical id).
      const unknown = carol.slice(0, 30) + (carol[30] === 'A' ? 'B' : 'A') + carol.slice(31);
      calls.length = 0;
      expect(await jam.getSession(live)).to.deep.equal({ user: 1 });
      expect(await jam.getSession(cleared)).to.equal(null);
      expect(await jam.getSession(unknown)).to.equal(null);
      expect(calls).to.deep.equal(['getMany', 'getMany', 'getMany']);
    } finally {
      await jam.close();
      await keyv.disconnect();
    }
  });
});
