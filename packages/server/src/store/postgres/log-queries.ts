import type { MessageAppendResult, MessageRejection, NewMessage } from '../conversation-store.js';
import { storedMessage } from '../conversation-store.js';
import { EVENT_COLUMNS, toEnvelope, toEpochInfo, toEvent } from '../sqlite/conversation-rows.js';
import type { EnvelopeRow, EpochRow, EventRow } from '../sqlite/conversation-rows.js';
import type { LogQueries } from '../sqlite/log-queries.js';
import type { Database } from './database.js';
import { sqlState, uniqueViolation } from './database.js';

interface AppendRow {
  idx: number;
  status: 'stored' | 'duplicate' | 'rejected';
  reason: MessageRejection | null;
  out_seq: number | null;
  out_msg_id: string | null;
  out_ts: number | null;
}

const APPEND = `SELECT * FROM parley_append_messages($1::text[], $2::text[], $3::text[],
  $4::text[], $5::text[], $6::text[], $7::bytea[], $8::bytea[], $9::bigint[], $10::boolean[],
  $11::text[])`;

// Two nodes racing on one (sender, clientMsgId) in different conversations: the loser's
// statement fails on this index and is retried, and then sees the winner's row.
const RETRY_ON = 'events_by_client_msg_id';
const MAX_ATTEMPTS = 5;

function toResult(m: NewMessage, row: AppendRow): MessageAppendResult {
  switch (row.status) {
    case 'stored':
      return { status: 'stored', event: storedMessage(m, row.out_seq!, m.now) };
    case 'duplicate':
      return { status: 'duplicate', msgId: row.out_msg_id!, seq: row.out_seq!, ts: row.out_ts! };
    case 'rejected':
      return { status: 'rejected', reason: row.reason ?? 'not_member' };
  }
}

/**
 * One group commit: a single statement running `parley_append_messages` (migration 5), which
 * locks the batch's conversations in id order and applies each message's checks and writes.
 */
async function appendBatch(
  db: Database,
  batch: readonly NewMessage[],
): Promise<MessageAppendResult[]> {
  const col = <T>(pick: (m: NewMessage) => T): T[] => batch.map(pick);
  const params = [
    col((m) => m.convId),
    col((m) => m.sender),
    col((m) => m.clientMsgId),
    col((m) => m.msgId),
    col((m) => m.epochId),
    col((m) => m.data),
    col((m) => Buffer.from(m.box)),
    col((m) => Buffer.from(m.sig)),
    col((m) => m.now),
    col((m) => m.countsAsUnread === true),
    col((m) => m.redacts ?? null),
  ];
  for (let attempt = 1; ; attempt++) {
    try {
      const rows = await db.query<AppendRow>(APPEND, params);
      rows.sort((a, b) => a.idx - b.idx);
      return batch.map((m, i) => toResult(m, rows[i]!));
    } catch (error) {
      const retry =
        uniqueViolation(error) === RETRY_ON ||
        sqlState(error) === '40P01' ||
        sqlState(error) === '40001';
      if (!retry || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/** The event-log half of the conversation store on PostgreSQL. */
export function createPgLogQueries(db: Database): LogQueries {
  return {
    async appendMessages(batch) {
      if (batch.length === 0) return [];
      return appendBatch(db, batch);
    },
    async listEvents(convId, { after, before, limit }) {
      if (after !== undefined) {
        const rows = await db.query<EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE conv_id = $1 AND seq > $2::bigint AND seq < $3::bigint
            ORDER BY seq LIMIT $4`,
          [convId, after, before ?? Number.MAX_SAFE_INTEGER, limit + 1],
        );
        return { events: rows.slice(0, limit).map(toEvent), hasMore: rows.length > limit };
      }
      const rows = await db.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE conv_id = $1 AND seq < $2::bigint
          ORDER BY seq DESC LIMIT $3`,
        [convId, before ?? Number.MAX_SAFE_INTEGER, limit + 1],
      );
      return {
        events: rows.slice(0, limit).reverse().map(toEvent),
        hasMore: rows.length > limit,
      };
    },
    async listMemberEntries(convId, afterMemberSeq, limit) {
      const rows = await db.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE conv_id = $1 AND member_seq > $2::bigint
          ORDER BY member_seq LIMIT $3`,
        [convId, afterMemberSeq, limit + 1],
      );
      return { events: rows.slice(0, limit).map(toEvent), hasMore: rows.length > limit };
    },
    async listEpochs(convId) {
      const rows = await db.query<EpochRow>(
        `SELECT p.epoch_id, p.seq, e.ts, p.creator, p.member_log_seq, p.msg_count, e.data, e.sig
          FROM epochs p JOIN events e ON e.conv_id = p.conv_id AND e.seq = p.seq
          WHERE p.conv_id = $1 ORDER BY p.seq`,
        [convId],
      );
      return rows.map(toEpochInfo);
    },
    async listEnvelopes(convId, recipient, epochId) {
      const rows =
        epochId === undefined
          ? await db.query<EnvelopeRow>(
              `SELECT v.* FROM envelopes v JOIN epochs p
                ON p.conv_id = v.conv_id AND p.epoch_id = v.epoch_id
                WHERE v.conv_id = $1 AND v.recipient = $2 ORDER BY p.seq`,
              [convId, recipient],
            )
          : await db.query<EnvelopeRow>(
              'SELECT * FROM envelopes WHERE conv_id = $1 AND recipient = $2 AND epoch_id = $3',
              [convId, recipient, epochId],
            );
      return rows.map(toEnvelope);
    },
  };
}
