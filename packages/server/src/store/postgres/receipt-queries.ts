import type { PoolClient } from 'pg';
import type { RealtimeSettingsRecord, ReceiptStore } from '../receipt-store.js';
import { toCursor } from '../sqlite/receipt-queries.js';
import type { CursorRow } from '../sqlite/receipt-queries.js';
import type { Database } from './database.js';

/**
 * Cursor bookkeeping inside the log's write transactions (PostgreSQL twin of the SQLite
 * `CursorWriter`): each call touches one row, so a send stays O(1) however large the group.
 */
export const pgCursors = {
  /** A member joined at `seq`: cursors start there (nothing earlier is unread). */
  async join(client: PoolClient, convId: string, userId: string, seq: number): Promise<void> {
    await client.query(
      `INSERT INTO read_cursors (conv_id, user_id, read_seq, read_no, delivered_seq)
        SELECT $1, $2, $3, unread_total, $3 FROM conversations WHERE id = $1
        ON CONFLICT (conv_id, user_id) DO NOTHING`,
      [convId, userId, seq],
    );
  },
  /** A member left or was removed: their cursors go with them. */
  async depart(client: PoolClient, convId: string, userId: string): Promise<void> {
    await client.query('DELETE FROM read_cursors WHERE conv_id = $1 AND user_id = $2', [
      convId,
      userId,
    ]);
  },
  /** The member stored a message at `seq`: they have read everything up to it. */
  async sent(client: PoolClient, convId: string, userId: string, seq: number): Promise<void> {
    await client.query(
      `UPDATE read_cursors SET read_seq = $3, delivered_seq = GREATEST(delivered_seq, $3),
        read_no = (SELECT unread_no FROM events WHERE conv_id = $1 AND seq = $3)
        WHERE conv_id = $1 AND user_id = $2 AND read_seq < $3`,
      [convId, userId, seq],
    );
  },
  /** A `delete` by `sender` naming `msgId` (theirs, or any if admin) stops it counting. */
  async redact(client: PoolClient, convId: string, sender: string, msgId: string): Promise<void> {
    await client.query(
      `UPDATE events SET redacted = true WHERE conv_id = $1 AND msg_id = $2
        AND kind = 'message' AND counted AND NOT redacted AND (sender = $3
        OR EXISTS (SELECT 1 FROM members WHERE conv_id = $1 AND user_id = $3 AND is_admin))`,
      [convId, msgId, sender],
    );
  },
};

const CURSOR_SELECT = `SELECT r.conv_id, r.user_id, r.read_seq, r.delivered_seq, c.last_seq,
  c.unread_total - r.read_no - (SELECT COUNT(*) FROM events e WHERE e.conv_id = r.conv_id
    AND e.redacted AND e.seq > r.read_seq) AS unread
  FROM read_cursors r JOIN conversations c ON c.id = r.conv_id`;

interface SettingsRow {
  hide_presence: boolean;
  read_receipts: boolean;
  last_seen_at: number | null;
}

// The cursor moves to min(seq, head); `read_no` is the prefix count as of the new cursor.
const READ = `UPDATE read_cursors r SET read_seq = t.s, delivered_seq = GREATEST(delivered_seq, t.s),
  read_no = (SELECT unread_no FROM events WHERE conv_id = $1 AND seq = t.s)
  FROM (SELECT LEAST($3::bigint, last_seq) AS s FROM conversations WHERE id = $1) AS t
  WHERE r.conv_id = $1 AND r.user_id = $2 AND r.read_seq < t.s`;
const DELIVERED = `UPDATE read_cursors r SET delivered_seq = t.s
  FROM (SELECT LEAST($3::bigint, last_seq) AS s FROM conversations WHERE id = $1) AS t
  WHERE r.conv_id = $1 AND r.user_id = $2 AND r.delivered_seq < t.s`;

/** The receipts half of the store on PostgreSQL. */
export function createPgReceiptQueries(db: Database): ReceiptStore {
  const move = (sql: string, convId: string, userId: string, seq: number) =>
    db.transaction(async (client) => {
      await client.query(sql, [convId, userId, seq]);
      const { rows } = await client.query<CursorRow>(
        `${CURSOR_SELECT} WHERE r.conv_id = $1 AND r.user_id = $2`,
        [convId, userId],
      );
      return rows[0] && toCursor(rows[0]);
    });
  const settings = async (userId: string): Promise<RealtimeSettingsRecord> => {
    const [row] = await db.query<SettingsRow>(
      'SELECT * FROM realtime_settings WHERE user_id = $1',
      [userId],
    );
    return {
      hidePresence: row?.hide_presence === true,
      readReceipts: row === undefined || row.read_receipts,
      lastSeenAt: row?.last_seen_at ?? null,
    };
  };
  return {
    markRead: (convId, userId, seq) => move(READ, convId, userId, seq),
    markDelivered: (convId, userId, seq) => move(DELIVERED, convId, userId, seq),
    async listUnread(userId) {
      const rows = await db.query<CursorRow>(`${CURSOR_SELECT} WHERE r.user_id = $1`, [userId]);
      return rows.map(toCursor);
    },
    async listConversationCursors(convId) {
      const rows = await db.query<CursorRow>(`${CURSOR_SELECT} WHERE r.conv_id = $1`, [convId]);
      return rows.map(toCursor);
    },
    getRealtimeSettings: settings,
    async updateRealtimeSettings(userId, patch) {
      await db.query(
        `INSERT INTO realtime_settings (user_id, hide_presence, read_receipts)
          VALUES ($1, COALESCE($2::boolean, false), COALESCE($3::boolean, true))
          ON CONFLICT (user_id) DO UPDATE SET
            hide_presence = COALESCE($2::boolean, realtime_settings.hide_presence),
            read_receipts = COALESCE($3::boolean, realtime_settings.read_receipts)`,
        [userId, patch.hidePresence ?? null, patch.readReceipts ?? null],
      );
      return settings(userId);
    },
    async setLastSeen(userId, at) {
      await db.query(
        `INSERT INTO realtime_settings (user_id, last_seen_at) VALUES ($1, $2)
          ON CONFLICT (user_id) DO UPDATE SET last_seen_at = excluded.last_seen_at`,
        [userId, at],
      );
    },
    async listContacts(userId) {
      const rows = await db.query<{ user_id: string }>(
        `SELECT DISTINCT o.user_id FROM members m JOIN members o ON o.conv_id = m.conv_id
          WHERE m.user_id = $1 AND o.user_id <> $1`,
        [userId],
      );
      return rows.map((r) => r.user_id);
    },
  };
}
