import type { UnlockedAccount } from './auth/account-keys.js';
import { createKdfRunner } from './auth/kdf-runner.js';
import { SessionManager } from './auth/session-manager.js';
import { systemTimers } from './auth/timers.js';
import type { Timers } from './auth/timers.js';
import type { KeyBundle } from './crypto/account.js';
import { assertKdfParams } from './crypto/kdf.js';
import type { CryptoProvider } from './crypto/provider.js';
import { getCryptoProvider } from './crypto/providers/select.js';
import { Emitter } from './emitter.js';
import type { Listener } from './emitter.js';
import { ChatError } from './errors.js';
import { KDF_DEFAULTS } from './protocol/auth.js';
import type { SessionInfo } from './protocol/auth.js';
import { RestClient } from './rest/rest-client.js';
import type { TokenSource } from './rest/rest-client.js';
import { defaultStore } from './store/default-store.js';
import type { LocalStore } from './store/local-store.js';
import type {
  ChangePasswordInput,
  ChatClientEvents,
  ChatClientOptions,
  CurrentUser,
  DeleteAccountInput,
  LoginInput,
  RegisterInput,
} from './types.js';

/**
 * What the SDK's other modules (conversations, transport, search) reach through
 * {@link clientInternals}; not part of the public API.
 */
export interface ClientInternals {
  readonly rest: RestClient;
  readonly store: LocalStore;
  readonly events: Emitter<ChatClientEvents>;
  readonly tokens: TokenSource;
  readonly now: () => number;
  readonly timers: Timers;
  /** The crypto backend (selected once, on first use). */
  crypto(): Promise<CryptoProvider>;
  /** The signed-in user's unlocked keys, or `null` when signed out. */
  account(): UnlockedAccount | null;
  /** The current session's id, or `null`. */
  sessionId(): string | null;
  /** Re-encrypts and uploads the key bundle, then uses it in memory. */
  updateBundle(bundle: KeyBundle): Promise<void>;
}

const internals = new WeakMap<ChatClient, ClientInternals>();

/**
 * The Parley client: accounts and sessions now, conversations and messages as they land. One
 * instance per signed-in user; works in browsers and Node 20.
 *
 * Passwords never leave the client: they are stretched with Argon2id (in a Web Worker in
 * browsers) into a login key the server checks and a key-encryption key that unlocks the
 * user's private keys locally.
 *
 * @example
 * ```ts
 * const client = new ChatClient({ serverUrl: 'https://chat.example.com' });
 * client.on('session', (state) => console.log(state)); // 'signed-in' | 'signed-out' | 'expired'
 * if (!(await client.resume())) await client.login({ username: 'alice', password });
 * console.log(client.me); // { id, username, displayName }
 * ```
 */
export class ChatClient {
  readonly #events: Emitter<ChatClientEvents>;
  readonly #session: SessionManager;

  /**
   * @param options - See {@link ChatClientOptions}.
   * @throws TypeError for a missing or malformed `serverUrl`; RangeError for `kdf` parameters
   *   below the Argon2id floor (m = 19456, t = 2) or above the ceiling.
   */
  constructor(options: ChatClientOptions) {
    const cost = {
      m: options.kdf?.m ?? KDF_DEFAULTS.m,
      t: options.kdf?.t ?? KDF_DEFAULTS.t,
      p: options.kdf?.p ?? KDF_DEFAULTS.p,
    };
    assertKdfParams({ alg: 'argon2id', ...cost, salt: '' });
    const now = options.now ?? Date.now;
    const timers = options.timers ?? systemTimers;
    const rest = new RestClient({
      serverUrl: options.serverUrl,
      now,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const store = options.storage ?? defaultStore();
    let provider: Promise<CryptoProvider> | undefined;
    const crypto = () => {
      provider ??= options.crypto ? Promise.resolve(options.crypto) : getCryptoProvider();
      return provider;
    };
    this.#events = new Emitter<ChatClientEvents>({
      onListenerError: (error, event) => this.#listenerFailed(error, event),
    });
    this.#session = new SessionManager({
      rest,
      store,
      provider: crypto,
      runKdf: createKdfRunner(options.kdfWorker ?? 'auto'),
      cost,
      now,
      timers,
      persistSession: options.persistSession ?? true,
      events: this.#events,
    });
    const session = this.#session;
    internals.set(this, {
      rest,
      store,
      events: this.#events,
      tokens: session.tokens,
      now,
      timers,
      crypto,
      account: () => session.account,
      sessionId: () => session.sessionId,
      updateBundle: (bundle) => session.updateBundle(bundle),
    });
  }

  /** The signed-in user, or `null`. */
  get me(): CurrentUser | null {
    return this.#session.user;
  }

  /**
   * Creates an account and signs in: generates the user's keys, stretches the password
   * (progress through `onProgress` and the `kdf-progress` event) and registers.
   *
   * @throws ChatError `username_taken`, `invalid_input` (with `field`), `rate_limited`,
   *   `conflict` when already signed in, `network_error`.
   */
  register(input: RegisterInput): Promise<CurrentUser> {
    return this.#session.register(input);
  }

  /**
   * Signs in with username and password and unlocks the user's keys.
   *
   * @throws ChatError `unauthorized` for an unknown user or a wrong password (the same error,
   *   on purpose), `rate_limited` (see `retryAfterMs`), `conflict` when already signed in,
   *   `network_error`.
   */
  login(input: LoginInput): Promise<CurrentUser> {
    return this.#session.login(input);
  }

  /**
   * Signs back in from the stored session, without the password.
   *
   * @returns `true` when signed in; `false` when there is no usable stored session (none, or
   *   the server ended it: then a `session` event `'expired'` fires too).
   * @throws ChatError `network_error` and other transient errors; the stored session is kept
   *   so a later call can succeed.
   */
  resume(): Promise<boolean> {
    return this.#session.resume();
  }

  /**
   * Ends this session on the server and forgets it here (tokens, stored session, keys in
   * memory). Always succeeds locally, even offline.
   */
  logout(): Promise<void> {
    return this.#session.logout();
  }

  /** Ends every session of this user, on every device, then signs out here. */
  logoutEverywhere(): Promise<void> {
    return this.#session.logoutEverywhere();
  }

  /**
   * Changes the password: checks the current one locally first, then re-wraps the same account
   * key under the new one (no history is re-encrypted). Other sessions are signed out by the
   * server; this one stays.
   *
   * @throws ChatError `unauthorized` for a wrong current password.
   */
  changePassword(input: ChangePasswordInput): Promise<void> {
    return this.#session.changePassword(input);
  }

  /**
   * Deletes the account and everything the server holds for it, then signs out.
   *
   * @throws ChatError `unauthorized` for a wrong password.
   */
  deleteAccount(input: DeleteAccountInput): Promise<void> {
    return this.#session.deleteAccount(input);
  }

  /** The user's active sessions (devices), the current one marked `current`. */
  sessions(): Promise<SessionInfo[]> {
    return this.#session.sessions();
  }

  /** Ends one session by id; revoking the current one signs this client out. */
  revokeSession(id: string): Promise<void> {
    return this.#session.revokeSession(id);
  }

  /**
   * Subscribes to an event.
   *
   * @returns A function that unsubscribes.
   */
  on<K extends keyof ChatClientEvents>(
    event: K,
    listener: Listener<ChatClientEvents[K]>,
  ): () => void {
    return this.#events.on(event, listener);
  }

  /**
   * Stops timers and forgets keys held in memory. The stored session is kept, so a new client
   * can `resume()`; call `logout()` first to end it. The client cannot be used afterwards.
   */
  close(): void {
    this.#session.close();
    this.#events.clear();
  }

  #listenerFailed(error: unknown, event: string): void {
    if (event === 'error') {
      console.error('[parley] an error listener threw', error);
      return;
    }
    const chatError = ChatError.is(error)
      ? error
      : new ChatError('internal', `A "${event}" listener threw`, { cause: error });
    this.#events.emit('error', chatError);
  }
}

/**
 * The internals of a client, for the SDK's own modules. Not exported from the package.
 *
 * @throws TypeError for something that is not a `ChatClient`.
 */
export function clientInternals(client: ChatClient): ClientInternals {
  const found = internals.get(client);
  if (!found) throw new TypeError('not a ChatClient');
  return found;
}
