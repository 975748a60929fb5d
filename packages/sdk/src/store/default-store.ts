import { IndexedDbStore } from './indexeddb-store.js';
import type { LocalStore } from './local-store.js';
import { MemoryStore } from './memory-store.js';

/**
 * The store a client uses when the host passes none: IndexedDB where it exists (browsers,
 * workers), memory otherwise (Node: a host that wants persistence passes a `FileStore`, so the
 * SDK never writes to a disk location nobody chose).
 */
export function defaultStore(): LocalStore {
  return typeof globalThis.indexedDB === 'undefined' ? new MemoryStore() : new IndexedDbStore();
}
