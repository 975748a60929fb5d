import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { IndexedDbStore } from './indexeddb-store.js';
import { describeLocalStoreContract } from './local-store-contract.js';

describeLocalStoreContract('IndexedDbStore', async () => {
  const indexedDB = new IDBFactory();
  return {
    store: new IndexedDbStore({ indexedDB }),
    reopen: async () => new IndexedDbStore({ indexedDB }),
  };
});

describe('IndexedDbStore', () => {
  it('keeps databases with different names apart', async () => {
    const indexedDB = new IDBFactory();
    const a = new IndexedDbStore({ indexedDB, dbName: 'a' });
    const b = new IndexedDbStore({ indexedDB, dbName: 'b' });
    await a.set('parley:session', 'A');
    expect(await b.get('parley:session')).toBeUndefined();
  });

  it('reopens after close', async () => {
    const indexedDB = new IDBFactory();
    const store = new IndexedDbStore({ indexedDB });
    await store.set('parley:k', 1);
    await store.close();
    expect(await store.get('parley:k')).toBe(1);
  });

  it('gives way when another connection upgrades the database', async () => {
    const indexedDB = new IDBFactory();
    const store = new IndexedDbStore({ indexedDB });
    await store.set('parley:k', 1);
    const upgraded = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('parley', 2);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    upgraded.close();
    expect(await store.get('parley:k')).toBe(1);
  });

  it('fails clearly where IndexedDB does not exist', async () => {
    const store = new IndexedDbStore({ indexedDB: undefined });
    await expect(store.get('parley:k')).rejects.toThrow(/IndexedDB is not available/);
  });
});
