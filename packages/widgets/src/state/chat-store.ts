import type {
  ChatClient,
  Conversation,
  CurrentUser,
  IdentityChange,
  Message,
  PublicUser,
} from '@parley/sdk';
import { deriveConnection } from './connection-state.js';
import type { ChatConnection } from './connection-state.js';
import { UploadQueue } from './upload-queue.js';

export type { ChatConnection } from './connection-state.js';

/** Where the user's session is: still resuming, signed out, or signed in. */
export type ChatSessionState = 'starting' | 'signed-out' | 'signed-in';

/** What the components render from. Replaced (never mutated) on every change. */
export interface ChatState {
  readonly session: ChatSessionState;
  readonly me: CurrentUser | null;
  readonly connection: ChatConnection;
  /** The user's conversations, most recently active first. */
  readonly conversations: readonly Conversation[];
  /** Whether the list came back from the server at least once. */
  readonly conversationsLoaded: boolean;
  /** The conversation shown in the thread, if any. */
  readonly activeId: string | null;
  /** Contacts whose identity key changed and was not accepted yet. */
  readonly identityChanges: readonly IdentityChange[];
}

/** Where a {@link ChatStore} gets its client. */
export interface ChatStoreOptions {
  /** A client made by the host page. */
  client?: ChatClient;
  /** Makes the client on demand (the script-tag bundle loads the SDK only then). */
  createClient?: () => Promise<ChatClient>;
  /**
   * Whether a stored session may exist. When it resolves `false`, `start()` shows the sign-in
   * form without making the client. Default: always `true`.
   */
  hasStoredSession?: () => Promise<boolean>;
}

/** Arguments of {@link ChatStore.signIn}. */
export interface SignInInput {
  mode: 'login' | 'register';
  username: string;
  password: string;
  displayName?: string;
  /** Argon2id progress, 0…1. */
  onProgress?: (fraction: number) => void;
}

/**
 * The UI state shared by the components of one chat: the session, the connection, the
 * conversation list and which one is open, plus per-conversation drafts, unread counters and
 * read marks. A thin layer over a `ChatClient`: the SDK stays the source of truth for messages
 * (and for unread counts once it reports them); `subscribe()` tells the components to re-render.
 */
export class ChatStore {
  readonly #options: ChatStoreOptions;
  #client: ChatClient | null = null;
  #loading: Promise<ChatClient> | undefined;
  #state: ChatState;
  readonly #listeners = new Set<() => void>();
  readonly #offs: (() => void)[] = [];
  readonly #names = new Map<string, PublicUser | 'loading'>();
  readonly #drafts = new Map<string, string>();
  readonly #firstUnseen = new Map<string, string>();
  readonly #markers = new Map<string, string | null>();
  readonly #typing = new Map<string, readonly string[]>();
  #wasOnline = false;
  #pending = false;
  #started: Promise<void> | undefined;

  /** Files being uploaded from this page (composer, drop, paste), with progress and cancel. */
  readonly uploads = new UploadQueue(
    async (id) => this.conversation(id) ?? (await this.client.conversations.get(id)),
  );

  /**
   * @param source - A `ChatClient`, or {@link ChatStoreOptions} to make one on demand. The
   *   store listens to the client until {@link dispose}.
   */
  constructor(source: ChatClient | ChatStoreOptions) {
    this.#options = isOptions(source) ? source : { client: source };
    this.#state = {
      session: 'starting',
      me: null,
      connection: 'connecting',
      conversations: [],
      conversationsLoaded: false,
      activeId: null,
      identityChanges: [],
    };
    if (this.#options.client) this.#attach(this.#options.client);
    if (typeof window !== 'undefined') {
      const onNetwork = () => this.#connectionChanged();
      window.addEventListener('online', onNetwork);
      window.addEventListener('offline', onNetwork);
      this.#offs.push(() => {
        window.removeEventListener('online', onNetwork);
        window.removeEventListener('offline', onNetwork);
      });
    }
  }

  /**
   * The SDK client. Always there once signed in.
   *
   * @throws TypeError before the client was made (see {@link ready}).
   */
  get client(): ChatClient {
    if (!this.#client) throw new TypeError('The chat client is not loaded yet; await ready()');
    return this.#client;
  }

  /** The client, making it (and loading the SDK) first when needed. */
  ready(): Promise<ChatClient> {
    if (this.#client) return Promise.resolve(this.#client);
    const create = this.#options.createClient;
    if (!create)
      return Promise.reject(new TypeError('ChatStore has neither client nor createClient'));
    this.#loading ??= create().then((client) => {
      this.#attach(client);
      return client;
    });
    return this.#loading;
  }

  /** The current state (an immutable snapshot). */
  get state(): ChatState {
    return this.#state;
  }

  /**
   * Calls `listener` after changes (coalesced to one call per microtask).
   *
   * @returns A function that unsubscribes.
   */
  subscribe(listener: () => void): () => void {
    const entry = () => listener();
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** Resumes a stored session once; later calls return the same promise. */
  start(): Promise<void> {
    this.#started ??= this.#resume();
    return this.#started;
  }

  /**
   * Signs in or registers. Resolves once signed in.
   *
   * @throws ChatError from the SDK (`unauthorized`, `username_taken`, `rate_limited`, ...).
   */
  async signIn(input: SignInInput): Promise<CurrentUser> {
    const client = await this.ready();
    const base = {
      username: input.username,
      password: input.password,
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    };
    const user =
      input.mode === 'register'
        ? await client.register({
            ...base,
            ...(input.displayName ? { displayName: input.displayName } : {}),
          })
        : await client.login(base);
    this.#sessionChanged(true);
    return user;
  }

  /** Signs out (always succeeds locally). */
  async signOut(): Promise<void> {
    await this.#client?.logout();
    this.#sessionChanged(false);
  }

  /** Reloads the conversation list from the server, then decrypts previews in the background. */
  async refresh(): Promise<void> {
    const list = await this.client.conversations.list();
    this.#set({ conversations: list.filter((c) => !c.left), conversationsLoaded: true });
    void this.#warmPreviews(list);
  }

  /** A conversation known to the store, by id. */
  conversation(id: string | null | undefined): Conversation | undefined {
    return id ? this.#state.conversations.find((c) => c.id === id) : undefined;
  }

  /**
   * Shows a conversation: loads and verifies it, makes it the active one and marks it read.
   *
   * @throws ChatError `not_found` and the SDK's other loading errors.
   */
  async open(id: string): Promise<Conversation> {
    if (this.#state.activeId !== id) {
      this.#markers.set(id, this.#firstUnseen.get(id) ?? null);
      this.#firstUnseen.delete(id);
    }
    this.#set({ activeId: id });
    const conversation = await this.client.conversations.get(id);
    if (this.#markers.get(id) == null)
      this.#markers.set(id, firstUnread(conversation, this.#state.me?.id));
    this.#conversationSeen(conversation);
    this.markRead(id);
    return conversation;
  }

  /** Closes the active conversation (back to the list on narrow layouts). */
  close(): void {
    this.#set({ activeId: null });
  }

  /**
   * The id of the first message that arrived unseen before the conversation was last opened
   * (where the "new messages" marker goes), or `null`.
   */
  newMarker(id: string): string | null {
    return this.#markers.get(id) ?? null;
  }

  /**
   * Marks everything in a conversation as read: the SDK moves the read cursor (and sends a
   * read receipt unless the user turned them off).
   */
  markRead(id: string): void {
    const conversation = this.conversation(id);
    if (conversation && conversation.unreadCount > 0) {
      conversation.markRead().catch((error: unknown) => {
        console.warn('[parley] could not mark the conversation read', error);
      });
    }
  }

  /** Unread messages of one conversation, as the server counts them (the SDK's count). */
  unread(id: string): number {
    return this.conversation(id)?.unreadCount ?? 0;
  }

  /** Unread messages over every conversation. */
  get unreadTotal(): number {
    return this.#state.conversations.reduce((sum, c) => sum + this.unread(c.id), 0);
  }

  /** The draft of a conversation (empty by default). */
  draft(id: string): string {
    return this.#drafts.get(id) ?? '';
  }

  /** Keeps the draft of a conversation (per store: it survives switching conversations). */
  setDraft(id: string, text: string): void {
    if (text) this.#drafts.set(id, text);
    else this.#drafts.delete(id);
  }

  /** Who is typing in a conversation, by user id (the SDK's, or what {@link setTyping} set). */
  typing(id: string): readonly string[] {
    return this.#typing.get(id) ?? this.conversation(id)?.typing ?? [];
  }

  /** Overrides who is typing (for hosts with their own source); `null` goes back to the SDK's. */
  setTyping(id: string, userIds: readonly string[] | null): void {
    if (userIds === null) this.#typing.delete(id);
    else this.#typing.set(id, userIds);
    this.#changed();
  }

  /**
   * The name to show for a user id: display name once known (looked up in the background and
   * announced through `subscribe`), else `null`.
   */
  nameOf(userId: string): string | null {
    if (userId === this.#state.me?.id) return this.#state.me.displayName;
    const known = this.#names.get(userId);
    if (known === undefined) void this.#lookUp(userId);
    return known && known !== 'loading' ? known.displayName || known.username : null;
  }

  /** A conversation's title: the group title, or the other members' names. */
  titleOf(conversation: Conversation): string {
    if (conversation.title) return conversation.title;
    const others = conversation.members.filter((m) => m.userId !== this.#state.me?.id);
    const names = others.map((m) => this.nameOf(m.userId) ?? '…');
    return names.join(', ') || (this.#state.me?.displayName ?? '');
  }

  /** The other member of a direct conversation, if any. */
  peerOf(conversation: Conversation): string | null {
    if (conversation.kind !== 'direct') return null;
    return conversation.members.find((m) => m.userId !== this.#state.me?.id)?.userId ?? null;
  }

  /** A contact's presence (`online`, `away`, `offline`), when the SDK knows it. */
  presenceOf(userId: string): 'online' | 'away' | 'offline' | null {
    return this.#client?.presenceOf(userId)?.state ?? null;
  }

  /** Accepts a contact's changed identity key and drops its banner. */
  async acceptIdentity(userId: string): Promise<void> {
    await this.client.acceptIdentity(userId);
    this.#set({
      identityChanges: this.#state.identityChanges.filter((c) => c.userId !== userId),
    });
  }

  /** Stops listening to the client (the client itself is left open). */
  dispose(): void {
    for (const off of this.#offs.splice(0)) off();
    this.#listeners.clear();
  }

  async #resume(): Promise<void> {
    if (this.#client?.me) return this.#sessionChanged(true);
    const check = this.#options.hasStoredSession;
    if (!this.#client && check && !(await check().catch(() => true))) {
      return this.#sessionChanged(false);
    }
    let resumed = false;
    try {
      resumed = await (await this.ready()).resume();
    } catch (error) {
      // Offline at start: the stored session is kept; show the sign-in form meanwhile.
      console.warn('[parley] could not resume the session', error);
    }
    this.#sessionChanged(resumed);
  }

  #attach(client: ChatClient): void {
    this.#client = client;
    this.#offs.push(
      client.on('session', (s) => this.#sessionChanged(s === 'signed-in')),
      client.on('connection', () => this.#connectionChanged()),
      client.on('conversation', (c) => this.#conversationSeen(c)),
      client.on('message', (m) => this.#messageArrived(m)),
      client.on('message-updated', () => this.#changed()),
      client.on('identity-changed', (change) => this.#identityChanged(change)),
      // Presence, typing, receipts and unread counts: re-render whoever shows them.
      client.on('unread', () => this.#changed()),
      client.on('typing', () => this.#changed()),
      client.on('receipt', () => this.#changed()),
      client.on('presence', () => this.#changed()),
    );
  }

  #sessionChanged(signedIn: boolean): void {
    if (signedIn === (this.#state.session === 'signed-in') && this.#state.session !== 'starting') {
      return;
    }
    if (!signedIn) {
      this.#wasOnline = false;
      this.#firstUnseen.clear();
      this.#markers.clear();
      this.uploads.clear();
      this.#set({
        session: 'signed-out',
        me: null,
        conversations: [],
        conversationsLoaded: false,
        activeId: null,
        identityChanges: [],
      });
      return;
    }
    this.#set({ session: 'signed-in', me: this.#client?.me ?? null });
    this.#connectionChanged();
    this.refresh().catch(() => {
      // Offline: the list is loaded again on reconnect (see #connectionChanged).
    });
  }

  #connectionChanged(): void {
    const raw = this.#client?.connection ?? 'offline';
    if (raw === 'online') {
      if (this.#state.connection === 'reconnecting' && this.#state.session === 'signed-in') {
        this.refresh().catch(() => {});
      }
      this.#wasOnline = true;
    }
    const online = typeof navigator === 'undefined' ? true : navigator.onLine;
    this.#set({ connection: deriveConnection(raw, this.#wasOnline, online) });
  }

  #conversationSeen(conversation: Conversation): void {
    if (conversation.left) {
      const rest = this.#state.conversations.filter((c) => c.id !== conversation.id);
      this.#set({ conversations: rest });
      return;
    }
    if (this.#state.conversations.some((c) => c.id === conversation.id)) return this.#changed();
    this.#set({ conversations: [conversation, ...this.#state.conversations] });
  }

  #messageArrived(message: Message): void {
    const id = message.conversationId;
    const mine = message.sender === this.#state.me?.id;
    if (!mine && id !== this.#state.activeId && !this.#firstUnseen.has(id)) {
      this.#firstUnseen.set(id, message.id);
    }
    const list = this.#state.conversations;
    const found = list.find((c) => c.id === id);
    if (found) this.#set({ conversations: [found, ...list.filter((c) => c !== found)] });
    else this.refresh().catch(() => {});
  }

  #identityChanged(change: IdentityChange): void {
    const rest = this.#state.identityChanges.filter((c) => c.userId !== change.userId);
    this.#set({ identityChanges: [...rest, change] });
  }

  async #lookUp(userId: string): Promise<void> {
    this.#names.set(userId, 'loading');
    try {
      this.#names.set(userId, await this.client.users.get(userId));
      this.#changed();
    } catch {
      this.#names.delete(userId);
    }
  }

  async #warmPreviews(list: readonly Conversation[]): Promise<void> {
    // Decrypt the newest messages of the first conversations so the list shows previews.
    for (const conversation of list.slice(0, 20)) {
      if (conversation.messages.length > 0 || this.#state.session !== 'signed-in') continue;
      try {
        await this.client.conversations.get(conversation.id);
        this.#changed();
      } catch {
        // A conversation that cannot load now shows "no messages" until opened.
      }
    }
  }

  #set(patch: Partial<ChatState>): void {
    this.#state = { ...this.#state, ...patch };
    this.#changed();
  }

  #changed(): void {
    if (this.#pending) return;
    this.#pending = true;
    queueMicrotask(() => {
      this.#pending = false;
      for (const listener of [...this.#listeners]) {
        try {
          listener();
        } catch (error) {
          console.error('[parley] a store listener threw', error);
        }
      }
    });
  }
}

function isOptions(source: ChatClient | ChatStoreOptions): source is ChatStoreOptions {
  return !('conversations' in source);
}

/** The first of the server-counted unread messages (others' messages, newest last), or `null`. */
function firstUnread(conversation: Conversation, me: string | undefined): string | null {
  let left = conversation.unreadCount;
  if (left <= 0) return null;
  const messages = conversation.messages;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.sender === me) continue;
    left--;
    if (left === 0) return m.id;
  }
  return messages[0]?.id ?? null;
}
