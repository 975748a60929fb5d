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
import { Conversations } from './conversations/conversations-api.js';
import { fromB64u } from './crypto/encoding.js';
import { safetyNumber } from './crypto/safety-number.js';
import { Users } from './directory/users.js';
import { checkSearchInput } from './search/search-types.js';
import type { SearchOptions, SearchResult } from './search/search-types.js';
import type { RealtimeSession, StopReason } from './sync/realtime-session.js';
import type { ConnectionState } from './transport/connection.js';
import type { PresenceInfo, RealtimeSettings } from './protocol/realtime.js';
import type {
  ChangePasswordInput,
  ChatClientEvents,
  ChatClientOptions,
  CurrentUser,
  DeleteAccountInput,
  LoginInput,
  RegisterInput,
  SessionState,
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
  /** The signed-in session's conversations, sync and socket, or `null` when signed out. */
  realtime(): Promise<RealtimeSession> | null;
}

const internals = new WeakMap<ChatClient, ClientInternals>();

/**
 * The Parley client: accounts and sessions, end-to-end-encrypted conversations over a realtime
 * connection with a persistent outbox, and the key directory. One instance per signed-in user;
 * works in browsers and Node 20.
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
 * client.on('message', (m) => console.log(m.sender, m.text));
 * const dm = await client.conversations.openDirect('bob');
 * await dm.send('hello'); // resolves once stored by the server
 * ```
 */
export class ChatClient {
  /** Conversations: `openDirect`, `create`, `list`, `get`. */
  readonly conversations: Conversations;
  /** The key directory: `search`, `get`, `keys`. */
  readonly users: Users;
  readonly #events: Emitter<ChatClientEvents>;
  readonly #session: SessionManager;
  readonly #options: ChatClientOptions;
  #realtime: Promise<RealtimeSession> | null = null;
  #started: RealtimeSession | null = null;
  #connection: ConnectionState = 'offline';

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
    this.#options = options;
    this.conversations = new Conversations(() => this.#requireRealtime());
    this.users = new Users(() => this.#requireRealtime());
    this.#events.on('connection', (state) => {
      this.#connection = state;
    });
    this.#events.on('session', (state) => this.#sessionChanged(state));
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
      realtime: () => this.#realtime,
    });
  }

  /** The realtime connection: `'connecting'`, `'online'` or `'offline'`. */
  get connection(): ConnectionState {
    return this.#connection;
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
   * The safety number of you and another user (by username or id): 60 digits, the same on both
   * sides, computed from the identity keys you have pinned. Compare it in person or over a
   * trusted channel, then call {@link verifyIdentity}.
   *
   * @throws ChatError `not_found`, `invalid_input` (yourself).
   */
  async safetyNumber(user: string): Promise<string> {
    const realtime = await this.#requireRealtime();
    const userId = await realtime.directory.resolveId(user);
    const me = realtime.ctx.me;
    if (userId === me.id)
      throw new ChatError('invalid_input', 'A safety number needs another user');
    let pinned = realtime.trust.pinned(userId);
    if (pinned === undefined) {
      const keys = await realtime.directory.keys(userId);
      realtime.trust.observe(userId, keys.identityKey, 'directory');
      pinned = realtime.trust.pinned(userId) ?? keys.identityKey;
    }
    return safetyNumber(
      realtime.ctx.provider,
      { userId: me.id, identityKey: realtime.ctx.account.identityKey },
      { userId, identityKey: fromB64u(pinned) },
    );
  }

  /**
   * Accepts a contact's changed identity key (after `identity-changed`). Until then nothing is
   * sealed to the new key; afterwards each shared conversation rotates its epoch before the
   * next message. Failed messages can then be sent again with `conversation.retry(id)`.
   *
   * @throws ChatError `not_found` when no change is pending for that user.
   */
  async acceptIdentity(user: string): Promise<void> {
    const realtime = await this.#requireRealtime();
    await realtime.acceptIdentity(await realtime.directory.resolveId(user));
  }

  /**
   * Marks a contact's pinned identity key as verified (you compared safety numbers). A later
   * change of a verified key must be accepted explicitly.
   *
   * @throws ChatError `not_found` when no key is pinned for them.
   */
  async verifyIdentity(user: string): Promise<void> {
    const realtime = await this.#requireRealtime();
    const userId = await realtime.directory.resolveId(user);
    const pinned = realtime.trust.pinned(userId);
    if (pinned === undefined)
      throw new ChatError('not_found', 'No identity key is pinned for this user');
    await realtime.trust.verify(userId, pinned);
  }

  /**
   * Searches the signed-in user's messages, on this device: every message this client has
   * decrypted (received, synced, or loaded with `loadOlder`) is indexed as it arrives and the
   * index is kept encrypted in `storage`, so it survives reloads. Words match as typed, as the
   * start of a word (for search as you type) and with a typo in longer words; case, accents
   * and Arabic/Hebrew vowel signs are ignored; Chinese and Japanese match by character pairs.
   * Messages of conversations the user left are not found; signing out deletes the index.
   *
   * @example
   * ```ts
   * const [hit] = await client.search('dinner friday', { limit: 10 });
   * const conversation = await client.conversations.get(hit.conversationId);
   * await conversation.loadAround(hit.seq); // history up to the message is now in `messages`
   * ```
   * @throws ChatError `unauthorized` when signed out, `invalid_input` for a query over 500
   *   characters, `unavailable` when the client was created with `search: false`;
   *   TypeError/RangeError for malformed options.
   */
  async search(query: string, options: SearchOptions = {}): Promise<SearchResult[]> {
    checkSearchInput(query, options);
    const realtime = await this.#requireRealtime();
    return realtime.search.search(query, options);
  }

  /**
   * Sets this client's presence: `'away'` (idle) or `'online'` (active again). A user with
   * several tabs or devices is `online` while any of them is, `away` when all are. Browsers
   * do this by themselves when the page is hidden (`presence.autoAway`).
   *
   * @throws ChatError `unauthorized` when signed out, `network_error` when offline.
   */
  async setPresence(state: 'online' | 'away'): Promise<void> {
    if (state !== 'online' && state !== 'away') {
      throw new TypeError("presence must be 'online' or 'away'");
    }
    await (await this.#requireRealtime()).extras.setPresence(state);
  }

  /**
   * The last known presence of a user who shares a conversation with you (`null` if unknown;
   * strangers are never told). Kept current by `presence` events; filled on each connect.
   */
  presenceOf(userId: string): PresenceInfo | null {
    return this.#realtimeNow()?.extras.presenceOf(userId) ?? null;
  }

  /**
   * Asks the server for the presence of users (by id). Only people who share a conversation
   * with you are answered; anyone else is left out.
   */
  async fetchPresence(userIds: readonly string[]): Promise<PresenceInfo[]> {
    return (await this.#requireRealtime()).extras.fetchPresence(userIds);
  }

  /** Your unread messages over all your conversations (the server's counts). */
  get unreadTotal(): number {
    return this.#realtimeNow()?.extras.unreadTotal ?? 0;
  }

  /** Your privacy settings as the server last confirmed them (`null` before connecting). */
  get privacy(): RealtimeSettings | null {
    return this.#realtimeNow()?.extras.settings ?? null;
  }

  /**
   * Changes your privacy settings for every device: `hidePresence` (appear offline to
   * everyone) and `readReceipts` (`false`: send none and see none).
   *
   * @throws ChatError `unauthorized` when signed out, `network_error` when offline.
   */
  async setPrivacy(settings: Partial<RealtimeSettings>): Promise<RealtimeSettings> {
    return (await this.#requireRealtime()).extras.updateSettings(settings);
  }

  /**
   * Opens the realtime socket (with `autoConnect: false`), or reconnects now instead of waiting
   * for the backoff (e.g. when the host knows the network is back).
   *
   * @throws ChatError `unauthorized` when signed out.
   */
  async connect(): Promise<void> {
    const realtime = await this.#requireRealtime();
    realtime.connection.start();
    realtime.connection.reconnectNow();
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
    void this.#stopRealtime('close');
    this.#session.close();
    this.#events.clear();
  }

  #sessionChanged(state: SessionState): void {
    if (state === 'signed-in') this.#startRealtime();
    else void this.#stopRealtime(state);
  }

  #startRealtime(): void {
    const internal = internals.get(this);
    const account = internal?.account();
    const me = this.me;
    if (!internal || !account || !me || this.#realtime) return;
    const tokens = this.#session.tokens;
    const options = this.#options;
    const started = loadRealtime(internal.crypto()).then(({ provider, RealtimeSession }) =>
      RealtimeSession.start({
        serverUrl: options.serverUrl,
        rest: internal.rest,
        store: internal.store,
        events: this.#events,
        provider,
        account,
        me,
        tokens: {
          accessToken: () => tokens.accessToken(),
          refresh: async () => (await tokens.refresh()).accessToken,
          expiresAt: () => tokens.current?.accessTokenExpiresAt ?? null,
        },
        updateBundle: (bundle) => internal.updateBundle(bundle),
        isCurrent: (candidate) => internal.account() === candidate,
        now: internal.now,
        timers: internal.timers,
        backoff: options.reconnect ?? {},
        cachedMessages: options.cachedMessages ?? 200,
        search: options.search ?? true,
        autoConnect: options.autoConnect ?? true,
        extras: {
          settings: {
            ...(options.presence?.hidden === undefined
              ? {}
              : { hidePresence: options.presence.hidden }),
            ...(options.readReceipts === undefined ? {} : { readReceipts: options.readReceipts }),
          },
          autoAway: options.presence?.autoAway ?? true,
        },
        ...(options.socketFactory ? { socketFactory: options.socketFactory } : {}),
        ...(options.ackTimeoutMs === undefined ? {} : { ackTimeoutMs: options.ackTimeoutMs }),
      }),
    );
    this.#realtime = started;
    started.then(
      (session) => {
        if (this.#realtime === started) this.#started = session;
      },
      () => undefined,
    );
    started.catch((error: unknown) => {
      if (this.#realtime === started) this.#realtime = null;
      this.#listenerFailed(error, 'session');
    });
  }

  async #stopRealtime(reason: StopReason): Promise<void> {
    const running = this.#realtime;
    this.#realtime = null;
    this.#started = null;
    if (running === null) return;
    try {
      await (await running).stop(reason);
    } catch {
      // A session that never started has nothing to stop.
    }
  }

  /** The running session if it has started (synchronous getters use it). */
  #realtimeNow(): RealtimeSession | null {
    return this.#started;
  }

  #requireRealtime(): Promise<RealtimeSession> {
    if (this.#realtime === null) {
      return Promise.reject(new ChatError('unauthorized', 'Not signed in'));
    }
    return this.#realtime;
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
 * The crypto provider and the realtime half of the SDK (socket.io-client, conversations, sync,
 * search, files), imported only once signed in: bundles that load the SDK on demand (the
 * script tag) keep it out of what a visitor downloads before signing in.
 */
async function loadRealtime(provider: Promise<CryptoProvider>) {
  const [resolved, { RealtimeSession }] = await Promise.all([
    provider,
    import('./sync/realtime-session.js'),
  ]);
  return { provider: resolved, RealtimeSession };
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
