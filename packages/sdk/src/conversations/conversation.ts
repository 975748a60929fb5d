import type { FileInput } from '../files/file-source.js';
import type { SendFileOptions } from '../files/send-file.js';
import type { ConversationKind } from '../protocol/conversations.js';
import type { Message } from '../types.js';
import type { ConversationState } from './conversation-state.js';
import type { MemberReceipt } from '../protocol/realtime.js';
import { deliveryStateOf, receiptsOf } from '../realtime/delivery-state.js';
import type { DeliveryState, MessageReceipts } from '../realtime/delivery-state.js';
import type { RealtimeExtras } from '../realtime/realtime-extras.js';
import { loadAround } from './load-around.js';

/** A member of a conversation, from its verified membership log. */
export interface ConversationMember {
  readonly userId: string;
  /** Admins may add and remove members. */
  readonly admin: boolean;
}

/** What a {@link Conversation} asks the signed-in session to do; not public. */
export interface ConversationActions {
  send(state: ConversationState, text: string): Promise<Message>;
  sendFile(state: ConversationState, file: FileInput, options?: SendFileOptions): Promise<Message>;
  retry(state: ConversationState, id: string): Promise<Message>;
  loadOlder(state: ConversationState, limit?: number): Promise<number>;
  addMember(state: ConversationState, user: string): Promise<void>;
  removeMember(state: ConversationState, user: string): Promise<void>;
  leave(state: ConversationState): Promise<void>;
  rotateKey(state: ConversationState): Promise<void>;
  markRead(state: ConversationState, upToSeq?: number): Promise<void>;
  setTyping(state: ConversationState, typing: boolean): void;
  /** Presence, typing, receipts and unread counts. */
  readonly extras: RealtimeExtras;
}

/**
 * A direct conversation or a group, as the signed-in user sees it: members from the verified
 * membership log, messages decrypted and ordered by `seq`, unsent own messages at the end.
 * Obtained from `client.conversations`; one object per conversation and session, updated in
 * place (subscribe to hear about changes).
 *
 * @example
 * ```ts
 * const grp = await client.conversations.create({ title: 'Trip', members: ['bob', 'carol'] });
 * const off = grp.subscribe(() => render(grp.messages));
 * await grp.send('hello'); // resolves once the server stored it (status 'sent')
 * ```
 */
export class Conversation {
  readonly #state: ConversationState;
  readonly #actions: ConversationActions;
  readonly #listeners = new Set<() => void>();

  /** @internal Made by the SDK; apps get conversations from `client.conversations`. */
  constructor(state: ConversationState, actions: ConversationActions) {
    this.#state = state;
    this.#actions = actions;
  }

  /** Conversation id (16 random bytes, base64url). */
  get id(): string {
    return this.#state.id;
  }

  /** `'direct'` (one per pair of users) or `'group'`. */
  get kind(): ConversationKind {
    return this.#state.summary.kind;
  }

  /** Group title; `null` for direct conversations. */
  get title(): string | null {
    return this.#state.summary.title;
  }

  /** Who created the conversation (its first admin). */
  get createdBy(): string {
    return this.#state.summary.createdBy;
  }

  /** Current members: from the verified log once loaded, from the server's summary before. */
  get members(): readonly ConversationMember[] {
    const log = this.#state.log;
    if (log === null) return this.#state.summary.members;
    const admins = new Set(log.current.admins);
    return log.current.members.map((m) => ({ userId: m.userId, admin: admins.has(m.userId) }));
  }

  /** Decrypted messages ordered by `seq`, then unsent own messages. An immutable snapshot. */
  get messages(): readonly Message[] {
    return this.#state.timeline.messages;
  }

  /**
   * Your unread messages here, as the server counts them: messages of others (text and
   * files, not edits, reactions or deletions) after your read cursor, minus deleted ones. The
   * same on every tab and device; 0 once you left. A message of another counts from the moment
   * it arrives here; the server's next count (pushed within 200 ms) covers it. Changes are
   * announced by `subscribe` and by the client's `unread` event.
   */
  get unreadCount(): number {
    return this.#actions.extras.unreadOf(this.#state);
  }

  /** Members typing right now (user ids; never you). */
  get typing(): readonly string[] {
    return this.#actions.extras.typingIn(this.id);
  }

  /**
   * Every member's delivery and read cursors (`readSeq` is `null` when they, or you, turned
   * read receipts off). Loaded in the background on first use; `subscribe` hears updates.
   */
  get receipts(): ReadonlyMap<string, MemberReceipt> {
    return this.#actions.extras.receiptsIn(this.id);
  }

  /**
   * Where one of your messages is: `pending` → `sent` → `delivered` → `read` (or `failed`).
   * In a group, `delivered` and `read` mean every other member; see {@link receiptsFor}.
   */
  deliveryState(message: Message): DeliveryState {
    return deliveryStateOf(message, this.receipts, this.#me(), this.#memberIds());
  }

  /** Which other members have a device that stored `message`, and which read it. */
  receiptsFor(message: Message): MessageReceipts {
    return receiptsOf(message, this.receipts, this.#me(), this.#memberIds());
  }

  /**
   * Marks the conversation read up to `upToSeq` (default: the newest event you have). Moves
   * your read cursor (never back), updates unread counts on all your devices, and, unless
   * you turned read receipts off, tells the other members. Offline, it is sent on reconnect.
   *
   * @throws RangeError for a negative or fractional `upToSeq`.
   */
  markRead(upToSeq?: number): Promise<void> {
    return this.#actions.markRead(this.#state, upToSeq);
  }

  /**
   * Tells the other members you are typing (`true`, on each keystroke) or stopped (`false`,
   * e.g. the box was cleared or the message sent). Throttled: the server hears at most one
   * `true` every 2.5 s, and the indicator ends by itself a few seconds after the last one.
   */
  setTyping(typing = true): void {
    this.#actions.setTyping(this.#state, typing);
  }

  #me(): string {
    return this.#actions.extras.me;
  }

  #memberIds(): string[] {
    return this.members.map((m) => m.userId);
  }

  /** Whether older messages can be fetched with {@link loadOlder}. */
  get hasOlder(): boolean {
    return this.#state.hasOlder;
  }

  /** True once the user left or was removed. */
  get left(): boolean {
    return this.#state.left;
  }

  /**
   * Encrypts and sends a text message. It appears in `messages` at once as `pending`, is kept
   * in the persistent outbox until acknowledged (and resent after reconnects and reloads), and
   * the promise resolves once the server stored it (status `sent`).
   *
   * @throws ChatError `invalid_input` (empty), `payload_too_large`, or the reason the server or
   *   the SDK refused it for good (the message then has status `failed`; see {@link retry}).
   */
  send(text: string): Promise<Message> {
    return this.#actions.send(this.#state, text);
  }

  /**
   * Sends a file, end-to-end encrypted: checks its size and type (sniffed from the bytes, not
   * the name) against the server's limits, removes EXIF and other metadata from JPEGs, makes a
   * thumbnail of an image (browsers; pass `thumbnail` in Node), encrypts it in chunks as it
   * streams and uploads it (with `onProgress`, cancel by `signal`, retries of a failed upload
   * for a Blob or bytes), then sends the message carrying its key, hash, name, type and size.
   * The message then behaves like `send()`'s: pending, then sent.
   *
   * @param file - A `File`/`Blob`, bytes, a web `ReadableStream` or a Node stream (give
   *   `size`, and `name`/`type` where the input cannot say).
   * @throws ChatError `invalid_input`, `unsupported_media_type` (refused type, or bytes that
   *   contradict the declared type), `payload_too_large`, `quota_exceeded`, `rate_limited`,
   *   `network_error`; the signal's reason when cancelled.
   *
   * @example
   * ```ts
   * const controller = new AbortController();
   * await conversation.sendFile(input.files[0], {
   *   caption: 'Our trip',
   *   onProgress: ({ loaded, total }) => bar.value = loaded / total,
   *   signal: controller.signal,
   * });
   * ```
   */
  sendFile(file: FileInput, options?: SendFileOptions): Promise<Message> {
    return this.#actions.sendFile(this.#state, file, options);
  }

  /**
   * Sends a `failed` message again.
   *
   * @param id - The message's `id` or `clientMsgId`.
   * @throws ChatError `not_found` when no failed message has that id.
   */
  retry(id: string): Promise<Message> {
    return this.#actions.retry(this.#state, id);
  }

  /**
   * Fetches and decrypts the page of history before the oldest loaded message. Messages from
   * before the user joined stay `undecryptable` (`no_envelope_for_user`): by design, new
   * members do not read earlier history.
   *
   * @returns How many messages were added.
   */
  loadOlder(limit?: number): Promise<number> {
    return this.#actions.loadOlder(this.#state, limit);
  }

  /**
   * Loads history pages until the message at log position `seq` is in {@link messages}, with
   * a few before it: how to open a search result (`client.search()` gives its `seq`) or a link
   * to a message. Then scroll to it by its id.
   *
   * @returns The message at `seq`, or `undefined` when there is none to show there.
   * @throws RangeError for a `seq` that is not a positive integer; ChatError from loading.
   */
  loadAround(seq: number): Promise<Message | undefined> {
    return loadAround(this.#state, seq, (limit) => this.loadOlder(limit));
  }

  /**
   * Adds a member (admins only). The next message starts a new epoch that includes them; what
   * was sent before stays unreadable to them.
   *
   * @throws ChatError `forbidden` (not an admin, or the user's identity key changed and was
   *   not accepted), `not_found` (no such user).
   */
  addMember(user: string): Promise<void> {
    return this.#actions.addMember(this.#state, user);
  }

  /**
   * Removes a member (admins only). The next message starts a new epoch without them, and the
   * server stops sending them this conversation's events.
   */
  removeMember(user: string): Promise<void> {
    return this.#actions.removeMember(this.#state, user);
  }

  /** Leaves the conversation. */
  leave(): Promise<void> {
    return this.#actions.leave(this.#state);
  }

  /** Starts a new epoch key now (rotation on demand, crypto.md §7.7 (e)). */
  rotateKey(): Promise<void> {
    return this.#actions.rotateKey(this.#state);
  }

  /**
   * Calls `listener` after any change: messages, members, title, `left`.
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

  /** @internal Called by the SDK when the state changed. */
  notify(): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch (error) {
        console.error('[parley] a conversation listener threw', error);
      }
    }
  }
}
