import type { ConversationKind } from '../protocol/conversations.js';
import type { Message } from '../types.js';
import type { ConversationState } from './conversation-state.js';

/** A member of a conversation, from its verified membership log. */
export interface ConversationMember {
  readonly userId: string;
  /** Admins may add and remove members. */
  readonly admin: boolean;
}

/** What a {@link Conversation} asks the signed-in session to do; not public. */
export interface ConversationActions {
  send(state: ConversationState, text: string): Promise<Message>;
  retry(state: ConversationState, id: string): Promise<Message>;
  loadOlder(state: ConversationState, limit?: number): Promise<number>;
  addMember(state: ConversationState, user: string): Promise<void>;
  removeMember(state: ConversationState, user: string): Promise<void>;
  leave(state: ConversationState): Promise<void>;
  rotateKey(state: ConversationState): Promise<void>;
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

  /** Unread messages. Always 0 until read receipts land. */
  get unreadCount(): number {
    return 0;
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
