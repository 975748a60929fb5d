import type { Database } from 'better-sqlite3';
import type { EventKind, StoredEvent } from '../conversation-store.js';

/** What one new log event holds besides its conversation, `seq` and time. */
export interface EventFields {
  kind: EventKind;
  sender: string;
  data: string;
  sig: Uint8Array;
  box?: Uint8Array;
  msgId?: string;
  clientMsgId?: string;
  epochId?: string;
  memberSeq?: number;
  /** A message that counts as unread (bumps the conversation's unread prefix count). */
  counts?: boolean;
}

/** Appends events to a conversation's log; call only inside a write transaction. */
export interface EventWriter {
  /**
   * Takes the conversation's next `seq` and inserts the event with it.
   * @returns The stored event, or `undefined` if the conversation does not exist.
   */
  append(convId: string, now: number, fields: EventFields): StoredEvent | undefined;
}

/**
 * The one place a `seq` is assigned: `last_seq + 1` read and written in the same statement,
 * inside the caller's transaction, so the log has no gaps and no duplicates. SQLite has a
 * single writer; on PostgreSQL the same `UPDATE … RETURNING` takes the row lock.
 */
export function createEventWriter(db: Database): EventWriter {
  // `unread_total` is the prefix count of unread-counting messages (migration 3); each event
  // records it so that the count as of any seq is one lookup.
  const bump = db.prepare(`UPDATE conversations SET last_seq = last_seq + 1, last_event_at = ?,
    unread_total = unread_total + ? WHERE id = ? RETURNING last_seq, unread_total`);
  const insert = db.prepare(`INSERT INTO events (conv_id, seq, kind, sender, ts, data, sig, box,
    msg_id, client_msg_id, epoch_id, member_seq, counted, unread_no)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  return {
    append(convId, now, f) {
      const counts = f.counts === true ? 1 : 0;
      const row = bump.get(now, counts, convId) as
        { last_seq: number; unread_total: number } | undefined;
      if (!row) return undefined;
      insert.run(
        convId,
        row.last_seq,
        f.kind,
        f.sender,
        now,
        f.data,
        f.sig,
        f.box ?? null,
        f.msgId ?? null,
        f.clientMsgId ?? null,
        f.epochId ?? null,
        f.memberSeq ?? null,
        counts,
        row.unread_total,
      );
      return {
        convId,
        seq: row.last_seq,
        kind: f.kind,
        sender: f.sender,
        ts: now,
        data: f.data,
        sig: f.sig,
        box: f.box ?? null,
        msgId: f.msgId ?? null,
      };
    },
  };
}
