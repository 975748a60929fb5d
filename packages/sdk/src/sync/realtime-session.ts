import type { UnlockedAccount } from '../auth/account-keys.js';
import type { Timers } from '../auth/timers.js';
import type { KeyBundle } from '../crypto/account.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { ConversationContext } from '../conversations/context.js';
import type { ConversationActions } from '../conversations/conversation.js';
import { ConversationRegistry } from '../conversations/conversation-registry.js';
import type { ConversationState } from '../conversations/conversation-state.js';
import { ensureSendEpoch } from '../conversations/epoch-rotation.js';
import { changeMembership } from '../conversations/membership-changes.js';
import { Directory } from '../directory/directory.js';
import { ensureOwnKaKey } from '../directory/own-ka-key.js';
import { TrustManager } from '../directory/trust-manager.js';
import type { Emitter } from '../emitter.js';
import { ChatError } from '../errors.js';
import { OUTBOX_NAME, Outbox } from '../outbox/outbox.js';
import { Sender } from '../outbox/sender.js';
import type { SettingsRequest } from '../protocol/realtime.js';
import { RealtimeExtras } from '../realtime/realtime-extras.js';
import { Attachment } from '../files/attachment.js';
import type { FileInput } from '../files/file-source.js';
import { prepareFile } from '../files/send-file.js';
import type { SendFileOptions } from '../files/send-file.js';
import type { RestClient } from '../rest/rest-client.js';
import { MessageSearch } from '../search/message-search.js';
import type { LocalStore } from '../store/local-store.js';
import type { BackoffOptions } from '../transport/backoff.js';
import { Connection } from '../transport/connection.js';
import type { ConnectionTokens } from '../transport/connection.js';
import type { SocketFactory } from '../transport/socket-factory.js';
import type { ChatClientEvents, CurrentUser, Message } from '../types.js';
import { EncryptedStore } from './encrypted-store.js';
import { MessageCache } from './message-cache.js';
import { SyncEngine } from './sync-engine.js';

/** Options of {@link RealtimeSession.start}. */
export interface RealtimeSessionOptions {
  serverUrl: string;
  rest: RestClient;
  store: LocalStore;
  events: Emitter<ChatClientEvents>;
  provider: CryptoProvider;
  account: UnlockedAccount;
  me: CurrentUser;
  tokens: ConnectionTokens;
  updateBundle: (bundle: KeyBundle) => Promise<void>;
  /** Whether `account` is still the signed-in one (it is wiped on sign-out). */
  isCurrent: (account: UnlockedAccount) => boolean;
  now: () => number;
  timers: Timers;
  socketFactory?: SocketFactory;
  backoff: BackoffOptions;
  ackTimeoutMs?: number;
  cachedMessages: number;
  /** Index messages for search (default `true`). */
  search?: boolean;
  /** Connect at once (otherwise on `connection.start()`). */
  autoConnect: boolean;
  /** Privacy settings to apply on connect, and automatic away (presence, receipts). */
  extras: { settings: SettingsRequest; autoAway: boolean };
}

/** Why a session stops: the client closed, the user signed out, or the server ended it. */
export type StopReason = 'close' | 'signed-out' | 'expired';

/** Events per history page and per first load of a conversation. */
const PAGE_SIZE = 50;

/**
 * Everything that lives from sign-in to sign-out: the realtime connection, the key directory
 * and trust store, the conversations, the outbox and sync, wired together. On (re)connect it
 * syncs every conversation, then flushes the outbox; pushed events go through sync's gap
 * detection. Stopping flushes the caches, forgets epoch keys and closes the socket.
 */
export class RealtimeSession implements ConversationActions {
  readonly ctx: ConversationContext;
  readonly directory: Directory;
  readonly trust: TrustManager;
  readonly registry: ConversationRegistry;
  readonly connection: Connection;
  /** Search over the decrypted messages, persisted encrypted. */
  readonly search: MessageSearch;
  readonly #o: RealtimeSessionOptions;
  readonly #secure: EncryptedStore;
  readonly #cache: MessageCache;
  readonly #outbox: Outbox;
  readonly #sender: Sender;
  readonly #sync: SyncEngine;
  /** Presence, typing, receipts and unread counts. */
  readonly extras: RealtimeExtras;
  #running = true;

  private constructor(o: RealtimeSessionOptions, secure: EncryptedStore, outbox: Outbox) {
    this.#o = o;
    this.#secure = secure;
    this.#outbox = outbox;
    const report = (error: unknown) => this.#report(error);
    this.directory = new Directory({ rest: o.rest, now: o.now });
    this.directory.remember({
      id: o.me.id,
      username: o.me.username,
      displayName: o.me.displayName,
    });
    this.trust = new TrustManager({
      account: o.account,
      updateBundle: o.updateBundle,
      now: o.now,
      onChanged: (change) => o.events.emit('identity-changed', change),
      onError: report,
      usernameOf: (id) => this.directory.known(id)?.username ?? null,
    });
    this.ctx = {
      rest: o.rest,
      provider: o.provider,
      account: o.account,
      me: o.me,
      directory: this.directory,
      trust: this.trust,
      events: o.events,
      now: o.now,
      active: () => this.#running && o.isCurrent(o.account),
      signer: () => {
        if (!this.ctx.active()) throw new ChatError('unauthorized', 'Signed out');
        return { userId: o.me.id, identitySeed: o.account.bundle.identitySeed };
      },
    };
    this.#cache = new MessageCache(secure, {
      maxMessages: o.cachedMessages,
      timers: o.timers,
      onError: report,
      attachment: (data) => new Attachment(data, this.ctx),
    });
    this.search = new MessageSearch({
      store: secure,
      enabled: o.search ?? true,
      timers: o.timers,
      visible: (id) => this.registry.get(id)?.left === false,
      onError: report,
    });
    this.registry = new ConversationRegistry({
      ctx: this.ctx,
      cache: this.#cache,
      actions: this,
      pageSize: PAGE_SIZE,
      onAdded: (state) => {
        this.#sender.restore(state);
        this.registry.facade(state.id)?.subscribe(() => this.search.track(state));
        this.search.track(state);
        this.registry.facade(state.id)?.subscribe(() => this.#applied(state.id));
      },
    });
    this.connection = new Connection({
      serverUrl: o.serverUrl,
      tokens: o.tokens,
      timers: o.timers,
      now: o.now,
      backoff: o.backoff,
      ...(o.socketFactory ? { socketFactory: o.socketFactory } : {}),
      ...(o.ackTimeoutMs === undefined ? {} : { ackTimeoutMs: o.ackTimeoutMs }),
      onStateChange: (state) => o.events.emit('connection', state),
      onOnline: () => void this.#online(),
      onEvent: (event) =>
        void this.#sync.handleEvent(event).then(() => this.#applied(event.conversationId)),
      onPush: (name, payload) => this.extras.handlePush(name, payload),
      onError: report,
    });
    this.#sender = new Sender({
      ctx: this.ctx,
      outbox,
      connection: this.connection,
      state: (id) => this.registry.open(id),
      timers: o.timers,
      backoff: o.backoff,
      onError: report,
    });
    this.#sync = new SyncEngine({
      connection: this.connection,
      registry: this.registry,
      onError: report,
    });
    this.extras = new RealtimeExtras({
      me: o.me.id,
      connection: this.connection,
      registry: this.registry,
      events: o.events,
      timers: o.timers,
      now: o.now,
      settings: o.extras.settings,
      autoAway: o.extras.autoAway,
      onError: report,
    });
  }

  /** Opens the user's encrypted local data, restores cached conversations, and connects. */
  static async start(options: RealtimeSessionOptions): Promise<RealtimeSession> {
    const secure = await EncryptedStore.open(
      options.provider,
      options.store,
      options.me.id,
      options.account.accountKey,
    );
    const outbox = await Outbox.load(secure);
    const session = new RealtimeSession(options, secure, outbox);
    try {
      await ensureOwnKaKey({ ...options, now: options.now() });
    } catch (error) {
      session.#report(error);
    }
    try {
      await session.registry.restore();
    } catch (error) {
      session.#report(error);
    }
    if (session.#running && options.autoConnect) session.connection.start();
    return session;
  }

  /** Stops everything; on an explicit sign-out also deletes the user's local data. */
  async stop(reason: StopReason): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.connection.stop();
    this.extras.stop();
    this.#sender.stop();
    try {
      await Promise.all([
        this.#cache.flush(),
        this.#outbox.flush(),
        this.search.close(reason !== 'signed-out'),
      ]);
      if (reason === 'signed-out') await this.#purge();
    } catch (error) {
      this.#report(error);
    } finally {
      this.registry.wipe();
      this.#secure.close();
    }
  }

  send(state: ConversationState, text: string): Promise<Message> {
    return this.#sender.enqueue(state, text);
  }

  async sendFile(
    state: ConversationState,
    file: FileInput,
    options: SendFileOptions = {},
  ): Promise<Message> {
    if (state.left) throw new ChatError('forbidden', 'You are no longer in this conversation');
    const prepared = await prepareFile(this.ctx, state.id, file, options);
    return this.#sender.enqueueAttachment(state, prepared.body, prepared.fileIds);
  }

  retry(state: ConversationState, id: string): Promise<Message> {
    return this.#sender.retry(state, id);
  }

  loadOlder(state: ConversationState, limit?: number): Promise<number> {
    return state.loadOlder(limit);
  }

  async addMember(state: ConversationState, user: string): Promise<void> {
    const target = await this.directory.resolveId(user);
    await changeMembership(this.ctx, state, { op: 'add', target });
  }

  async removeMember(state: ConversationState, user: string): Promise<void> {
    const target = await this.directory.resolveId(user);
    await changeMembership(this.ctx, state, { op: 'remove', target });
  }

  async leave(state: ConversationState): Promise<void> {
    await changeMembership(this.ctx, state, { op: 'leave' });
    state.markLeft();
    await this.#cache.forget(state.id);
    await this.search.forget(state.id);
  }

  async rotateKey(state: ConversationState): Promise<void> {
    await ensureSendEpoch(this.ctx, state, true);
  }

  /**
   * Accepts a contact's changed identity key: it becomes the pin, and each shared conversation
   * starts a new epoch (`key-change`) before its next message.
   */
  async acceptIdentity(userId: string): Promise<void> {
    await this.trust.accept(userId);
    for (const state of this.registry.states()) {
      if (state.log?.current.members.some((m) => m.userId === userId))
        state.keyChangeAccepted = true;
    }
    this.directory.forgetKeys(userId);
  }

  async #online(): Promise<void> {
    try {
      const before = new Map(this.registry.states().map((s) => [s.id, s.window.lastSeq]));
      await this.#sync.syncAll();
      // Delivery receipts only where the sync brought something new (not one per conversation).
      for (const state of this.registry.states()) {
        if (state.window.lastSeq !== before.get(state.id)) this.#applied(state.id);
      }
    } catch (error) {
      this.#report(error);
    } finally {
      this.#sender.kick();
      void this.extras.online();
    }
  }

  markRead(state: ConversationState, upToSeq?: number): Promise<void> {
    return this.extras.markRead(state, upToSeq);
  }

  setTyping(state: ConversationState, typing: boolean): void {
    this.extras.setTyping(state.id, typing);
  }

  /** Events of a conversation were applied (and cached): a delivery receipt, batched. */
  #applied(conversationId: string): void {
    const state = this.registry.get(conversationId);
    if (state && !state.left && state.window.lastSeq > 0) {
      this.extras.noteApplied(conversationId, state.window.lastSeq);
    }
  }

  /** Deletes the outbox, the message cache and the search index (explicit sign-out). */
  async #purge(): Promise<void> {
    for (const state of this.registry.states()) await this.#cache.forget(state.id);
    await this.#cache.forgetIndex();
    await this.search.purge();
    await this.#secure.delete(OUTBOX_NAME);
  }

  #report(error: unknown): void {
    if (!this.#running) return;
    this.#o.events.emit(
      'error',
      ChatError.is(error)
        ? error
        : new ChatError('internal', error instanceof Error ? error.message : 'Unexpected error', {
            cause: error,
          }),
    );
  }
}
