import { assertKey, cloneJson } from './local-store.js';
import type { JsonValue, LocalStore } from './local-store.js';

/** Options for {@link IndexedDbStore}. */
export interface IndexedDbStoreOptions {
  /** Name of the IndexedDB database. Default `'parley'`. */
  dbName?: string;
  /** The IndexedDB factory. Default `globalThis.indexedDB` (tests pass `fake-indexeddb`). */
  indexedDB?: IDBFactory;
}

const OBJECT_STORE = 'kv';

/**
 * A {@link LocalStore} on IndexedDB: the browser default. One object store of key → JSON
 * value; a write resolves only when its transaction has committed (with strict durability
 * where the browser supports it), so an acknowledged write survives a reload.
 *
 * The database is opened lazily on first use and closed when another tab needs to upgrade it,
 * so an old tab never blocks a newer SDK version.
 */
export class IndexedDbStore implements LocalStore {
  readonly #dbName: string;
  readonly #factory: IDBFactory | undefined;
  #db: Promise<IDBDatabase> | undefined;

  /** @param options - See {@link IndexedDbStoreOptions}. */
  constructor(options: IndexedDbStoreOptions = {}) {
    this.#dbName = options.dbName ?? 'parley';
    this.#factory = options.indexedDB ?? globalThis.indexedDB;
  }

  async get(key: string): Promise<JsonValue | undefined> {
    assertKey(key);
    const value = await this.#run('readonly', (store) => store.get(key));
    return value === undefined ? undefined : (value as JsonValue);
  }

  async set(key: string, value: JsonValue): Promise<void> {
    assertKey(key);
    const copy = cloneJson(value);
    await this.#run('readwrite', (store) => store.put(copy, key));
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    await this.#run('readwrite', (store) => store.delete(key));
  }

  async clear(): Promise<void> {
    await this.#run('readwrite', (store) => store.clear());
  }

  /** Closes the database connection; the next call reopens it. */
  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    if (db) (await db).close();
  }

  async #run<T>(
    mode: IDBTransactionMode,
    operation: (store: IDBObjectStore) => IDBRequest<T>,
  ): Promise<T> {
    const db = await this.#open();
    return new Promise<T>((resolve, reject) => {
      const tx = db.transaction(OBJECT_STORE, mode, { durability: 'strict' });
      const request = operation(tx.objectStore(OBJECT_STORE));
      // Resolve on commit, not on request success: only then is a write durable.
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error ?? request.error);
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  }

  #open(): Promise<IDBDatabase> {
    if (this.#db) return this.#db;
    const opening = this.#openDatabase();
    this.#db = opening;
    // Do not cache a failure: a later call may succeed (e.g. after a blocked upgrade clears).
    opening.catch(() => {
      if (this.#db === opening) this.#db = undefined;
    });
    return opening;
  }

  async #openDatabase(): Promise<IDBDatabase> {
    const factory = this.#factory;
    if (!factory) throw new TypeError('IndexedDB is not available in this environment');
    // Open whatever version exists, so a newer SDK that upgraded the database never locks an
    // older tab out; upgrade only when our object store is missing.
    const db = await openRequest(factory, this.#dbName, undefined);
    if (db.objectStoreNames.contains(OBJECT_STORE)) return this.#watch(db);
    const version = db.version + 1;
    db.close();
    return this.#watch(await openRequest(factory, this.#dbName, version));
  }

  #watch(db: IDBDatabase): IDBDatabase {
    db.onversionchange = () => {
      db.close();
      this.#db = undefined;
    };
    return db;
  }
}

function openRequest(
  factory: IDBFactory,
  name: string,
  version: number | undefined,
): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = version === undefined ? factory.open(name) : factory.open(name, version);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(OBJECT_STORE)) {
        request.result.createObjectStore(OBJECT_STORE);
      }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error('IndexedDB upgrade blocked by another connection'));
  });
}
