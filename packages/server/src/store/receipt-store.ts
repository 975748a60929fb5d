/**
 * The receipts half of the {@link Store}: each member's `delivered` and `read` cursors, the
 * unread counts derived from them, the user's realtime privacy settings and last-seen time.
 * See docs/decisions/0004-receipts-and-unread.md for why the counts are computed this way.
 *
 * What counts as unread for member M of conversation C: message events of C with
 * `countsAsUnread` (set by the API layer for `text` and `attachment`), stored after M's read
 * cursor, not deleted (marked by a later message's `redacts`). M's own messages never count:
 * storing a message of M moves M's read (and delivered) cursor to it, as in every chat app
 * where answering marks a conversation read. Membership entries and epochs never count.
 *
 * Invariants every implementation keeps:
 * - a member gets cursors when they join (`create`/`add`), both at the `seq` of the entry that
 *   added them, so nothing from before they joined is unread; a departing member's cursors are
 *   deleted with their membership (a re-added member starts again at the new entry);
 * - cursors only move forward and never past the log's head (a larger `seq` is clamped);
 * - the count is exact: it always equals a recount over the log (the contract suite checks).
 */
export interface ReceiptStore {
  /**
   * Moves `userId`'s read cursor (and the delivered one with it) up to `seq`, clamped to the
   * head. A lower or equal `seq` changes nothing.
   * @returns The cursors and unread count after the call, or `undefined` when `userId` is not
   *   a member (or the conversation does not exist).
   */
  markRead(convId: string, userId: string, seq: number): Promise<CursorState | undefined>;
  /**
   * Moves `userId`'s delivered cursor up to `seq`, clamped to the head; monotonic like
   * {@link markRead}. @returns As for `markRead`.
   */
  markDelivered(convId: string, userId: string, seq: number): Promise<CursorState | undefined>;
  /** `userId`'s cursors and unread count in each of their conversations (any order). */
  listUnread(userId: string): Promise<CursorState[]>;
  /** Every current member's cursors and unread count in one conversation (any order). */
  listConversationCursors(convId: string): Promise<CursorState[]>;

  /** The user's settings; defaults (`hidePresence: false`, `readReceipts: true`) if never set. */
  getRealtimeSettings(userId: string): Promise<RealtimeSettingsRecord>;
  /** Changes the named settings only. @returns The settings after the change. */
  updateRealtimeSettings(
    userId: string,
    patch: Partial<Pick<RealtimeSettingsRecord, 'hidePresence' | 'readReceipts'>>,
  ): Promise<RealtimeSettingsRecord>;
  /** Records when the user was last connected. */
  setLastSeen(userId: string, at: number): Promise<void>;
  /**
   * Everyone who currently shares at least one conversation with `userId` (never `userId`
   * itself), each once, any order: who may see their presence.
   */
  listContacts(userId: string): Promise<string[]>;
}

/** One member's receipt cursors in one conversation, with their unread count. */
export interface CursorState {
  convId: string;
  userId: string;
  /** `seq` of the last event the member read. */
  readSeq: number;
  /** `seq` up to which a device of the member stored the log. */
  deliveredSeq: number;
  /** Messages counting as unread after `readSeq` (see {@link ReceiptStore}). */
  unread: number;
  /** The conversation's head when this was computed. */
  lastSeq: number;
}

/** A user's realtime privacy settings and last-seen time. */
export interface RealtimeSettingsRecord {
  hidePresence: boolean;
  readReceipts: boolean;
  /** When the user was last connected, or `null` if never recorded. */
  lastSeenAt: number | null;
}
