/**
 * @parley/sdk — the Parley client: accounts, sessions and (as they land) end-to-end-encrypted
 * conversations, for browsers and Node 20. Exports are listed by name.
 */
export { ChatClient } from './client.js';
export { ChatError } from './errors.js';
export type { ChatErrorOptions } from './errors.js';
export { Emitter } from './emitter.js';
export type { EmitterOptions, Listener } from './emitter.js';
export type {
  ChangePasswordInput,
  ChatClientEvents,
  ChatClientOptions,
  CurrentUser,
  DeleteAccountInput,
  KdfOptions,
  LoginInput,
  ProgressCallback,
  RegisterInput,
  SessionState,
} from './types.js';
export type { KdfWorker, KdfWorkerOption } from './auth/kdf-runner.js';
export type { StoredSession } from './auth/stored-session.js';
export { SESSION_KEY } from './auth/stored-session.js';
export type { Timers } from './auth/timers.js';
export { FileStore } from './store/file-store.js';
export type { FileStoreOptions } from './store/file-store.js';
export { IndexedDbStore } from './store/indexeddb-store.js';
export type { IndexedDbStoreOptions } from './store/indexeddb-store.js';
export type { JsonValue, LocalStore } from './store/local-store.js';
export { MemoryStore } from './store/memory-store.js';
export { ERROR_CODES } from './protocol/index.js';
export type { ErrorCode, SessionInfo } from './protocol/index.js';
