import { statSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import type { RetentionStore } from '../retention-store.js';

/** How many conversations are examined between two yields to the event loop. */
const CONVERSATIONS_PER_TICK = 200;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Retention over an open, migrated database. better-sqlite3 is synchronous, so the work is cut
 * into short transactions (one per conversation and batch) with yields in between: a large
 * expiry never stalls message delivery for long.
 */
export function createRetentionQueries(db: Database, filename: string): RetentionStore {
  const conversations = db.prepare('SELECT id, last_seq FROM conversations');
  // Walks the (conv_id, seq) index from the start and stops at the first fresh event.
  const firstFresh = db.prepare(
    'SELECT seq FROM events WHERE conv_id = ? AND ts >= ? ORDER BY seq LIMIT 1',
  );
  const oldMessages = db.prepare(`SELECT id, msg_id, seq, unread_no FROM events
    WHERE conv_id = ? AND kind = 'message' AND seq < ? ORDER BY seq LIMIT ?`);
  const deleteEvent = db.prepare('DELETE FROM events WHERE id = ?');
  const releaseFile = db.prepare('UPDATE files SET msg_id = NULL WHERE conv_id = ? AND msg_id = ?');
  const advanceCursors = db.prepare(`UPDATE read_cursors SET read_seq = @seq, read_no = @no,
    delivered_seq = MAX(delivered_seq, @seq) WHERE conv_id = @conv AND read_seq < @seq`);
  const firstMessage = db.prepare(
    "SELECT seq FROM events WHERE conv_id = ? AND kind = 'message' ORDER BY seq LIMIT 1",
  );
  const head = db.prepare('SELECT last_seq FROM conversations WHERE id = ?');

  type OldRow = { id: number; msg_id: string; seq: number; unread_no: number };

  const expireBatch = db.transaction((convId: string, boundary: number, limit: number) => {
    const rows = oldMessages.all(convId, boundary, limit) as OldRow[];
    for (const row of rows) {
      deleteEvent.run(row.id);
      releaseFile.run(convId, row.msg_id);
    }
    const last = rows.at(-1);
    if (last) advanceCursors.run({ conv: convId, seq: last.seq, no: last.unread_no });
    return rows.length;
  });

  return {
    async expireMessages(cutoff, maxRows) {
      const all = conversations.all() as { id: string; last_seq: number }[];
      let deleted = 0;
      for (let i = 0; i < all.length && deleted < maxRows; i++) {
        if (i > 0 && i % CONVERSATIONS_PER_TICK === 0) await yieldToEventLoop();
        const conv = all[i]!;
        const fresh = firstFresh.get(conv.id, cutoff) as { seq: number } | undefined;
        const boundary = fresh?.seq ?? conv.last_seq + 1;
        const n = expireBatch.immediate(conv.id, boundary, maxRows - deleted);
        if (n > 0) {
          deleted += n;
          await yieldToEventLoop();
        }
      }
      return deleted;
    },
    async getHistoryStart(convId) {
      const row = head.get(convId) as { last_seq: number } | undefined;
      if (!row) return undefined;
      const first = firstMessage.get(convId) as { seq: number } | undefined;
      return first?.seq ?? row.last_seq + 1;
    },
    async databaseSize() {
      let size = 0;
      for (const file of [filename, `${filename}-wal`]) {
        try {
          size += statSync(file).size;
        } catch {
          // no WAL right now
        }
      }
      return size;
    },
  };
}
