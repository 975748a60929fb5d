import type { ChatClient, KdfOptions } from '@parley/sdk';
import { ChatStore } from '../state/chat-store.js';
import { kdfWorkerFactory } from './kdf-worker-source.js';
import { mayHaveStoredSession } from './stored-session.js';

/** What an element that owns a chat (`<chat-provider>`, `<chat-widget>`) is configured with. */
export interface StoreSource {
  /** A client made by the host page; wins over `server`. */
  client: ChatClient | undefined;
  /** The Parley server's URL, to make a client from. */
  server: string;
  /** Argon2id cost for new accounts (tests use the floor). */
  kdf: KdfOptions | undefined;
}

const owned = new WeakMap<ChatStore, string>();

/**
 * Returns the store for `source`, reusing `current` when it still fits, otherwise making a
 * new one. With only `server` given, the SDK is loaded (a dynamic import: a separate chunk in
 * the script-tag bundle) when a stored session may exist or when someone signs in.
 * `null` when nothing is configured.
 */
export function storeFor(source: StoreSource, current: ChatStore | null): ChatStore | null {
  if (source.client) {
    if (current && clientOf(current) === source.client) return current;
    current?.dispose();
    return new ChatStore(source.client);
  }
  if (!source.server) return current;
  const serverUrl = new URL(source.server, document.baseURI).origin;
  if (current && owned.get(current) === serverUrl) return current;
  current?.dispose();
  const kdf = source.kdf;
  const store = new ChatStore({
    createClient: async () => {
      const [{ ChatClient }, kdfWorker] = await Promise.all([
        // ChatClient alone: the package root would drag every class it re-exports into the
        // chunk loaded before signing in.
        import('@parley/sdk/client'),
        kdfWorkerFactory(),
      ]);
      return new ChatClient({
        serverUrl,
        ...(kdf ? { kdf } : {}),
        ...(kdfWorker ? { kdfWorker } : {}),
      });
    },
    hasStoredSession: () => mayHaveStoredSession(),
  });
  owned.set(store, serverUrl);
  return store;
}

function clientOf(store: ChatStore): ChatClient | null {
  try {
    return store.client;
  } catch {
    return null;
  }
}
