import type { PoolClient } from 'pg';
import type { StoredEvent } from '../conversation-store.js';
import type { EventFields } from '../sqlite/event-writer.js';

/**
 * Appends one event to a conversation's log inside the caller's transaction, in one round trip:
 * the counter row is bumped with `UPDATE … RETURNING` (which takes its row lock until commit)
 * and the event is inserted with the returned `seq`. Two writers on different nodes therefore
 * take turns on the row; a rolled-back writer rolls its bump back too, so `seq` stays
 * contiguous, and `UNIQUE (conv_id, seq)` is the safety net.
 *
 * A message also counts towards its epoch (`msg_count`) in the same statement, and an
 * unread-counting one bumps the conversation's prefix count (`unread_total`, migration 3).
 *
 * @returns The stored event, or `undefined` when the conversation does not exist.
 */
export async function appendPgEvent(
  client: PoolClient,
  convId: string,
  now: number,
  f: EventFields,
): Promise<StoredEvent | undefined> {
  const { rows } = await client.query<{ seq: number }>(
    `WITH bump AS (
       UPDATE conversations SET last_seq = last_seq + 1, last_event_at = $2,
         unread_total = unread_total + $12::int
       WHERE id = $1 RETURNING last_seq, unread_total
     ), ins AS (
       INSERT INTO events (conv_id, seq, kind, sender, ts, data, sig, box, msg_id,
         client_msg_id, epoch_id, member_seq, counted, unread_no)
       SELECT $1, last_seq, $3, $4, $2, $5, $6, $7, $8, $9, $10, $11, $12::int = 1, unread_total
       FROM bump
       RETURNING seq
     ), counted AS (
       UPDATE epochs SET msg_count = msg_count + 1
       WHERE $3 = 'message' AND conv_id = $1 AND epoch_id = $10 AND EXISTS (SELECT 1 FROM ins)
     )
     SELECT seq FROM ins`,
    [
      convId,
      now,
      f.kind,
      f.sender,
      f.data,
      f.sig,
      f.box ?? null,
      f.msgId ?? null,
      f.clientMsgId ?? null,
      f.epochId ?? null,
      f.memberSeq ?? null,
      f.counts === true ? 1 : 0,
    ],
  );
  const seq = rows[0]?.seq;
  if (seq === undefined) return undefined;
  return {
    convId,
    seq,
    kind: f.kind,
    sender: f.sender,
    ts: now,
    data: f.data,
    sig: f.sig,
    box: f.box ?? null,
    msgId: f.msgId ?? null,
  };
}
