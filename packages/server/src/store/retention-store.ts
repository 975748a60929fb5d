/**
 * The retention half of the {@link Store}: deleting encrypted history older than the operator's
 * window (DESIGN §6, docs/self-hosting.md "Retention"), telling clients where the complete log
 * starts, and how much room the database takes.
 *
 * Only `message` events are ever deleted. Membership entries and epochs stay: clients verify the
 * hash-chained membership log from its first entry and need every epoch record, and neither
 * holds message content. `seq` numbers are never reused, so the log simply has holes below
 * {@link RetentionStore.getHistoryStart}.
 *
 * Invariants every implementation keeps:
 * - a conversation's log is cut as a prefix: a message is deleted only if every event before
 *   it in its conversation was stored before the cutoff (a clock that stepped back can keep an
 *   old message, never delete a newer one);
 * - every event from `getHistoryStart(conv)` to the head is held;
 * - a deleted message stops counting as unread: members' read and delivered cursors behind it
 *   move up to it (you cannot read what is gone);
 * - a file referenced only by a deleted message becomes unreferenced, so the files cleanup job
 *   removes it.
 */
export interface RetentionStore {
  /**
   * Deletes up to `maxRows` message events stored before `cutoff` (epoch ms), oldest first within
   * each conversation, in short transactions. Call again while it returns `maxRows`.
   * @returns How many were deleted.
   */
  expireMessages(cutoff: number, maxRows: number): Promise<number>;
  /**
   * The lowest `seq` from which the conversation's log is complete: the first message still
   * held, or `lastSeq + 1` when none is. Below it, messages may have been deleted by retention.
   * `undefined` for an unknown conversation.
   */
  getHistoryStart(convId: string): Promise<number | undefined>;
  /** Bytes the database takes on disk (for SQLite: the file and its WAL). */
  databaseSize(): Promise<number>;
}
