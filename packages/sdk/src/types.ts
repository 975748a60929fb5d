import type { ChatError } from './errors.js';
import type { KdfWorkerOption } from './auth/kdf-runner.js';
import type { Timers } from './auth/timers.js';
import type { CryptoProvider } from './crypto/provider.js';
import type { LocalStore } from './store/local-store.js';

/** The signed-in user, as `client.me` returns it. */
export interface CurrentUser {
  /** Stable user id (16 random bytes, base64url). */
  readonly id: string;
  /** Lower-case username. */
  readonly username: string;
  /** Name to show; the username when none was chosen. */
  readonly displayName: string;
}

/**
 * Payload of the `session` event: `'signed-in'` after register, login or resume;
 * `'signed-out'` after logout, logout everywhere, revoking the current session or deleting
 * the account; `'expired'` when the server ended the session (revoked elsewhere, password
 * changed on another device, refresh token reused or expired).
 */
export type SessionState = 'signed-in' | 'signed-out' | 'expired';

/** Events of a `ChatClient`, by name → payload. */
export interface ChatClientEvents {
  session: SessionState;
  /** Progress of the password derivation (Argon2id), from 0 to 1. */
  'kdf-progress': number;
  /** A background failure nobody awaited (a refresh that will be retried, a listener bug). */
  error: ChatError;
}

/** Argon2id cost for new accounts and password changes. Each defaults as documented. */
export interface KdfOptions {
  /** Memory in KiB. Default 65 536 (64 MiB); floor 19 456. */
  m?: number;
  /** Iterations. Default 3; floor 2. */
  t?: number;
  /** Parallelism. Default 1. */
  p?: number;
}

/** Options of `new ChatClient(...)`. */
export interface ChatClientOptions {
  /** Origin of the Parley server, e.g. `https://chat.example.com`. Required. */
  serverUrl: string;
  /**
   * Where the session (and later the outbox and caches) persist. Default: IndexedDB in
   * browsers, memory in Node (pass `new FileStore(dir)` to persist there). One store per
   * signed-in client: two clients sharing one store share one session.
   */
  storage?: LocalStore;
  /** The `fetch` to use. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Clock in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Timer functions for token refresh. Default: the host's `setTimeout`/`clearTimeout`. */
  timers?: Timers;
  /** The crypto backend. Default: WebCrypto where it passes a self-test, otherwise noble. */
  crypto?: CryptoProvider;
  /** Argon2id cost for new accounts and password changes. Default m=65536, t=3, p=1. */
  kdf?: KdfOptions;
  /** Where Argon2id runs: see `KdfWorkerOption`. Default `'auto'` (a Web Worker in browsers). */
  kdfWorker?: KdfWorkerOption;
  /**
   * Keep the session (refresh token and account key) in `storage` so `resume()` works after a
   * reload without the password. Default `true`. See `StoredSession` for the trade-off.
   */
  persistSession?: boolean;
}

/** Reports Argon2id progress (0…1) for one call. */
export type ProgressCallback = (fraction: number) => void;

/** Arguments of `register()`. */
export interface RegisterInput {
  /** 3–32 characters: a-z, 0-9, `_`, `.`, `-`; trimmed and lower-cased first. */
  username: string;
  password: string;
  /** 1–64 characters; the server shows the username when absent. */
  displayName?: string;
  onProgress?: ProgressCallback;
}

/** Arguments of `login()`. */
export interface LoginInput {
  username: string;
  password: string;
  onProgress?: ProgressCallback;
}

/** Arguments of `changePassword()`. */
export interface ChangePasswordInput {
  currentPassword: string;
  newPassword: string;
  /** Covers both derivations (current, then new): 0…0.5, then 0.5…1. */
  onProgress?: ProgressCallback;
}

/** Arguments of `deleteAccount()`. */
export interface DeleteAccountInput {
  password: string;
  onProgress?: ProgressCallback;
}
