import type { Database } from 'better-sqlite3';
import type { CursorState, RealtimeSettingsRecord, ReceiptStore } from '../receipt-store.js';

/**
 * Cursor bookkeeping done inside the write transactions of the log (membership changes and
 * sends); each call touches one row, so a send stays O(1) however large the group.
 */
export interface CursorWriter {
  /** A member joined at `seq`: cursors start there (nothing earlier is unread). */
  join(convId: string, userId: string, seq: number): void;
  /** A member left or was removed: their cursors go with them. */
  depart(convId: string, userId: string): void;
  /** The member stored a message at `seq`: they have read everything up to it. */
  sent(convId: string, userId: string, seq: number): void;
  /**
   * A `delete` of `sender` names `msgId`: if it is a counting message of the conversation
   * whose sender is `sender`, or `sender` is an admin, it stops counting.
   */
  redact(convId: string, sender: string, msgId: string): void;
}

/** Builds the in-transaction cursor writer over an open, migrated database. */
export function createCursorWriter(db: Database): CursorWriter {
  const insert = db.prepare(`INSERT INTO read_cursors (conv_id, user_id, read_seq, read_no,
    delivered_seq) SELECT ?, ?, ?, unread_total, ? FROM conversations WHERE id = ?
    ON CONFLICT (conv_id, user_id) DO NOTHING`);
  const remove = db.prepare('DELETE FROM read_cursors WHERE conv_id = ? AND user_id = ?');
  const advance = db.prepare(`UPDATE read_cursors SET read_seq = @seq, delivered_seq =
    MAX(delivered_seq, @seq), read_no = (SELECT unread_no FROM events WHERE conv_id = @conv
    AND seq = @seq) WHERE conv_id = @conv AND user_id = @user AND read_seq < @seq`);
  const redact = db.prepare(`UPDATE events SET redacted = 1 WHERE conv_id = @conv
    AND msg_id = @msg AND kind = 'message' AND counted = 1 AND redacted = 0 AND (sender = @user
    OR EXISTS (SELECT 1 FROM members WHERE conv_id = @conv AND user_id = @user
    AND is_admin = 1))`);
  return {
    join(convId, userId, seq) {
      insert.run(convId, userId, seq, seq, convId);
    },
    depart(convId, userId) {
      remove.run(convId, userId);
    },
    sent(convId, userId, seq) {
      advance.run({ seq, conv: convId, user: userId });
    },
    redact(convId, sender, msgId) {
      redact.run({ conv: convId, msg: msgId, user: sender });
    },
  };
}

/** A read cursor joined with its conversation's head, as both stores select it. */
export interface CursorRow {
  conv_id: string;
  user_id: string;
  read_seq: number;
  delivered_seq: number;
  unread: number;
  last_seq: number;
}

const CURSOR_SELECT = `SELECT r.conv_id, r.user_id, r.read_seq, r.delivered_seq, c.last_seq,
  c.unread_total - r.read_no - (SELECT COUNT(*) FROM events e WHERE e.conv_id = r.conv_id
    AND e.redacted = 1 AND e.seq > r.read_seq) AS unread
  FROM read_cursors r JOIN conversations c ON c.id = r.conv_id`;

/** Maps a cursor row to the store's record (a count never goes below zero). */
export function toCursor(row: CursorRow): CursorState {
  return {
    convId: row.conv_id,
    userId: row.user_id,
    readSeq: row.read_seq,
    deliveredSeq: row.delivered_seq,
    unread: Math.max(0, row.unread),
    lastSeq: row.last_seq,
  };
}

interface SettingsRow {
  hide_presence: number;
  read_receipts: number;
  last_seen_at: number | null;
}

/** The receipt half of the store. */
export type ReceiptQueries = ReceiptStore;

/** Builds the receipt queries over an open, migrated database. */
export function createReceiptQueries(db: Database): ReceiptQueries {
  const selectOne = db.prepare(`${CURSOR_SELECT} WHERE r.conv_id = ? AND r.user_id = ?`);
  const selectForUser = db.prepare(`${CURSOR_SELECT} WHERE r.user_id = ?`);
  const selectForConv = db.prepare(`${CURSOR_SELECT} WHERE r.conv_id = ?`);
  // The cursor moves to min(seq, head); `read_no` is the prefix count as of the new cursor.
  const read = db.prepare(`UPDATE read_cursors SET read_seq = t.s, delivered_seq =
    MAX(delivered_seq, t.s), read_no = (SELECT unread_no FROM events WHERE conv_id = @conv
    AND seq = t.s) FROM (SELECT MIN(@seq, last_seq) AS s FROM conversations WHERE id = @conv)
    AS t WHERE conv_id = @conv AND user_id = @user AND read_seq < t.s`);
  const delivered = db.prepare(`UPDATE read_cursors SET delivered_seq = t.s
    FROM (SELECT MIN(@seq, last_seq) AS s FROM conversations WHERE id = @conv) AS t
    WHERE conv_id = @conv AND user_id = @user AND delivered_seq < t.s`);
  const selectSettings = db.prepare('SELECT * FROM realtime_settings WHERE user_id = ?');
  const upsertSettings = db.prepare(`INSERT INTO realtime_settings (user_id, hide_presence,
    read_receipts) VALUES (@user, COALESCE(@hide, 0), COALESCE(@receipts, 1))
    ON CONFLICT (user_id) DO UPDATE SET hide_presence = COALESCE(@hide, hide_presence),
    read_receipts = COALESCE(@receipts, read_receipts)`);
  const upsertSeen = db.prepare(`INSERT INTO realtime_settings (user_id, last_seen_at)
    VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET last_seen_at = excluded.last_seen_at`);
  const selectContacts = db.prepare(`SELECT DISTINCT o.user_id FROM members m
    JOIN members o ON o.conv_id = m.conv_id WHERE m.user_id = @user AND o.user_id <> @user`);

  const one = (convId: string, userId: string): CursorState | undefined => {
    const row = selectOne.get(convId, userId) as CursorRow | undefined;
    return row && toCursor(row);
  };
  const move = db.transaction((stmt: typeof read, convId: string, userId: string, seq: number) => {
    stmt.run({ conv: convId, user: userId, seq });
    return one(convId, userId);
  });
  const settings = (userId: string): RealtimeSettingsRecord => {
    const row = selectSettings.get(userId) as SettingsRow | undefined;
    return {
      hidePresence: row?.hide_presence === 1,
      readReceipts: row === undefined || row.read_receipts === 1,
      lastSeenAt: row?.last_seen_at ?? null,
    };
  };
  const bool = (v: boolean | undefined): number | null => (v === undefined ? null : v ? 1 : 0);

  return {
    async markRead(convId, userId, seq) {
      return move.immediate(read, convId, userId, seq);
    },
    async markDelivered(convId, userId, seq) {
      return move.immediate(delivered, convId, userId, seq);
    },
    async listUnread(userId) {
      return (selectForUser.all(userId) as CursorRow[]).map(toCursor);
    },
    async listConversationCursors(convId) {
      return (selectForConv.all(convId) as CursorRow[]).map(toCursor);
    },
    async getRealtimeSettings(userId) {
      return settings(userId);
    },
    async updateRealtimeSettings(userId, patch) {
      upsertSettings.run({
        user: userId,
        hide: bool(patch.hidePresence),
        receipts: bool(patch.readReceipts),
      });
      return settings(userId);
    },
    async setLastSeen(userId, at) {
      upsertSeen.run(userId, at);
    },
    async listContacts(userId) {
      return (selectContacts.all({ user: userId }) as { user_id: string }[]).map((r) => r.user_id);
    },
  };
}
