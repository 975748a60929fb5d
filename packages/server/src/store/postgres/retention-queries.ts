import type { RetentionStore } from '../retention-store.js';
import type { Database } from './database.js';

/**
 * Retention on PostgreSQL: one transaction per conversation and batch, each taking the
 * conversation's row lock first, like every writer of its log, so an expiry never races a
 * send or a read-cursor move.
 */
export function createPgRetentionQueries(db: Database): RetentionStore {
  return {
    async expireMessages(cutoff, maxRows) {
      const conversations = await db.query<{ id: string }>('SELECT id FROM conversations');
      let deleted = 0;
      for (const { id } of conversations) {
        if (deleted >= maxRows) break;
        deleted += await db.transaction(async (client) => {
          const head = await client.query<{ last_seq: number }>(
            'SELECT last_seq FROM conversations WHERE id = $1 FOR UPDATE',
            [id],
          );
          if (head.rows.length === 0) return 0;
          const fresh = await client.query<{ seq: number }>(
            'SELECT seq FROM events WHERE conv_id = $1 AND ts >= $2 ORDER BY seq LIMIT 1',
            [id, cutoff],
          );
          const boundary = fresh.rows[0]?.seq ?? head.rows[0]!.last_seq + 1;
          const gone = await client.query<{ msg_id: string; seq: number; unread_no: number }>(
            `DELETE FROM events WHERE id IN (SELECT id FROM events WHERE conv_id = $1
              AND kind = 'message' AND seq < $2 ORDER BY seq LIMIT $3)
             RETURNING msg_id, seq, unread_no`,
            [id, boundary, maxRows - deleted],
          );
          if (gone.rows.length === 0) return 0;
          await client.query(
            'UPDATE files SET msg_id = NULL WHERE conv_id = $1 AND msg_id = ANY($2)',
            [id, gone.rows.map((r) => r.msg_id)],
          );
          const last = gone.rows.reduce((a, b) => (b.seq > a.seq ? b : a));
          await client.query(
            `UPDATE read_cursors SET read_seq = $2, read_no = $3,
              delivered_seq = GREATEST(delivered_seq, $2) WHERE conv_id = $1 AND read_seq < $2`,
            [id, last.seq, last.unread_no],
          );
          return gone.rows.length;
        });
      }
      return deleted;
    },
    async getHistoryStart(convId) {
      const [row] = await db.query<{ last_seq: number; first: number | null }>(
        `SELECT c.last_seq, (SELECT e.seq FROM events e WHERE e.conv_id = c.id
          AND e.kind = 'message' ORDER BY e.seq LIMIT 1) AS first
         FROM conversations c WHERE c.id = $1`,
        [convId],
      );
      if (!row) return undefined;
      return row.first ?? row.last_seq + 1;
    },
    async databaseSize() {
      // The tables of this deployment's schema (several may share one database).
      const [row] = await db.query<{ bytes: string | number }>(
        `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) AS bytes FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind = 'r'`,
      );
      return Number(row?.bytes ?? 0);
    },
  };
}
