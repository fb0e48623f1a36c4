import { setTimeout as sleep } from 'node:timers/promises';
import Keyv from 'keyv';

export type StoreOperation = 'get' | 'set' | 'delete';

/**
 * A Keyv over a Map whose calls each take the time `latency` picks, and take effect when that time is up, as
 * a remote store's do when the network delays them: calls sent in one order can land in another.
 */
export function slowKeyv(latency: (operation: StoreOperation, key: string) => number): Keyv {
  const entries = new Map<string, unknown>();
  const store = {
    async get(key: string) {
      await sleep(latency('get', key));
      return entries.get(key);
    },
    async set(key: string, value: unknown) {
      await sleep(latency('set', key));
      entries.set(key, value);
      return true;
    },
    async delete(key: string) {
      await sleep(latency('delete', key));
      return entries.delete(key);
    },
    async clear() {
      entries.clear();
    },
  };
  return new Keyv({ store: store as unknown as Map<string, unknown> });
}
