// The SDK's default browser store: IndexedDB database `parley`, object store `kv`, and the
// session under `parley:session` (SESSION_KEY). Duplicated here so the script-tag bundle can
// tell whether to load the SDK before anyone signs in; a browser test checks they agree.
const DB_NAME = 'parley';
const OBJECT_STORE = 'kv';
/** The SDK's `SESSION_KEY`. */
export const STORED_SESSION_KEY = 'parley:session';

/**
 * Whether the SDK's IndexedDB store may hold a session. Never creates the database (that
 * would hand the SDK an empty database without its object store); answers `true` when it
 * cannot tell, so the caller loads the SDK and lets it decide.
 */
export async function mayHaveStoredSession(
  factory: IDBFactory | undefined = globalThis.indexedDB,
): Promise<boolean> {
  if (!factory) return false;
  if (typeof factory.databases !== 'function') return true;
  const databases = await factory.databases();
  if (!databases.some((db) => db.name === DB_NAME)) return false;
  return new Promise<boolean>((resolve) => {
    const request = factory.open(DB_NAME);
    request.onerror = () => resolve(true);
    request.onblocked = () => resolve(true);
    request.onupgradeneeded = () => {
      // The database vanished in between; abort the creation this open would cause.
      request.transaction?.abort();
      resolve(false);
    };
    request.onsuccess = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(OBJECT_STORE)) {
        db.close();
        return resolve(false);
      }
      const get = db
        .transaction(OBJECT_STORE, 'readonly')
        .objectStore(OBJECT_STORE)
        .get(STORED_SESSION_KEY);
      get.onsuccess = () => {
        db.close();
        resolve(get.result !== undefined);
      };
      get.onerror = () => {
        db.close();
        resolve(true);
      };
    };
  });
}
