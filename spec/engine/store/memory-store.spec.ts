import { expect } from 'chai';
import { Jam, MemoryStore } from 'koa-jam';
import Keyv from 'keyv';
import { freezeClock, type FrozenClock } from '../../helpers/clock.js';

describe('MemoryStore', () => {
  let clock: FrozenClock;
  beforeEach(() => (clock = freezeClock()));
  afterEach(() => clock.uninstall());

  it('forgets abandoned entries without their being read again, a bounded slice per sweep', async () => {
    const store = new MemoryStore();
    const keyv = new Keyv({ store });
    try {
      for (let i = 0; i < 5000; i++) await keyv.set(`abandoned-${i}`, i, 1000);
      await keyv.set('kept', 'yes', 60_000);
      await keyv.set('forever', 'yes');
      clock.tick(1001);
      expect(store.size).to.equal(5002);
      let sweeps = 0;
      while (store.size > 2) {
        expect(store.sweep()).to.be.at.most(250);
        expect(++sweeps).to.be.below(30);
      }
      expect(await keyv.get('kept')).to.equal('yes');
      expect(await keyv.get('forever')).to.equal('yes');
    } finally {
      await keyv.disconnect();
    }
  });

  it('sweeps by itself on a timer that does not keep the process alive', async function () {
    this.timeout(5000);
    const store = new MemoryStore();
    try {
      store.set('a', 'x', 10);
      clock.tick(11);
      while (store.size > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      store.disconnect();
    }
  });

  it('is what a session config without a store uses', async () => {
    const jam = new Jam({ session: { ttl: 1 } });
    const id = await jam.createSession('alice', { user: 1 });
    clock.tick(1001);
    expect(await jam.getSession(id)).to.equal(null);
    await jam.close();
  });

  it('rolling sessions are re-written at most once per tenth of the ttl, not on every read', async () => {
    const keyv = new Keyv({ store: new MemoryStore() });
    let writes = 0;
    keyv.hooks.addHandler('preSet', () => void writes++);
    const jam = new Jam({ session: { store: keyv, ttl: 100, rolling: true } });
    try {
      const id = await jam.createSession('alice', { user: 1 });
      for (let second = 0; second < 35; second++) {
        for (let read = 0; read < 5; read++) expect(await jam.getSession(id)).to.deep.equal({ user: 1 });
        clock.tick(1000);
      }
      // The session tag key, the create and its index entry, then one write per 10 s of reads (the index entry
      // holds the expiry a ttl ahead: no index write here).
      expect(writes).to.equal(1 + 2 + 3);
    } finally {
      await jam.close();
      await keyv.disconnect();
    }
  });
});
