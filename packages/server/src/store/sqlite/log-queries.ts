import type { Database } from 'better-sqlite3';
import type { MessageAppendResult, NewMessage } from '../conversation-store.js';
import type { Store } from '../store.js';
import { EVENT_COLUMNS, toEnvelope, toEpochInfo, toEvent } from './conversation-rows.js';
import type { EnvelopeRow, EpochRow, EventRow } from './conversation-rows.js';
import { createEventWriter } from './event-writer.js';
import { createCursorWriter } from './receipt-queries.js';

/** The event-log half of the conversation store: messages, pages, epochs and envelopes. */
export type LogQueries = Pick<
  Store,
  'appendMessages' | 'listEvents' | 'listMemberEntries' | 'listEpochs' | 'listEnvelopes'
>;

/** Builds the log queries over an open, migrated database. */
export function createLogQueries(db: Database): LogQueries {
  const events = createEventWriter(db);
  const cursors = createCursorWriter(db);
  const selectByClientId = db.prepare(
    'SELECT conv_id, msg_id, seq, ts FROM events WHERE sender = ? AND client_msg_id = ?',
  );
  const selectMember = db.prepare('SELECT 1 FROM members WHERE conv_id = ? AND user_id = ?');
  const selectEpochGate = db.prepare(`SELECT e.member_log_seq, c.last_departure_seq
    FROM epochs e JOIN conversations c ON c.id = e.conv_id
    WHERE e.conv_id = ? AND e.epoch_id = ?`);
  const selectMsgId = db.prepare('SELECT 1 FROM events WHERE conv_id = ? AND msg_id = ?');
  const countMessage = db.prepare(
    'UPDATE epochs SET msg_count = msg_count + 1 WHERE conv_id = ? AND epoch_id = ?',
  );
  const pageAfter = db.prepare(`SELECT ${EVENT_COLUMNS} FROM events
    WHERE conv_id = ? AND seq > ? AND seq < ? ORDER BY seq LIMIT ?`);
  const pageBefore = db.prepare(`SELECT ${EVENT_COLUMNS} FROM events
    WHERE conv_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`);
  const memberPage = db.prepare(`SELECT ${EVENT_COLUMNS} FROM events
    WHERE conv_id = ? AND member_seq > ? ORDER BY member_seq LIMIT ?`);
  const selectEpochs = db.prepare(`SELECT p.epoch_id, p.seq, e.ts, p.creator, p.member_log_seq,
    p.msg_count, e.data, e.sig FROM epochs p JOIN events e ON e.conv_id = p.conv_id
    AND e.seq = p.seq WHERE p.conv_id = ? ORDER BY p.seq`);
  const selectEnvelopes = db.prepare(`SELECT v.* FROM envelopes v JOIN epochs p
    ON p.conv_id = v.conv_id AND p.epoch_id = v.epoch_id
    WHERE v.conv_id = ? AND v.recipient = ? ORDER BY p.seq`);
  const selectEnvelope = db.prepare(
    'SELECT * FROM envelopes WHERE conv_id = ? AND recipient = ? AND epoch_id = ?',
  );

  // Every check reads inside the write transaction, so a removal committed by an earlier
  // transaction is always seen: a send can never slip in on a stale epoch.
  function appendOne(m: NewMessage): MessageAppendResult {
    if (!selectMember.get(m.convId, m.sender)) return { status: 'rejected', reason: 'not_member' };
    const original = selectByClientId.get(m.sender, m.clientMsgId) as
      { conv_id: string; msg_id: string; seq: number; ts: number } | undefined;
    if (original) {
      return original.conv_id === m.convId
        ? { status: 'duplicate', msgId: original.msg_id, seq: original.seq, ts: original.ts }
        : { status: 'rejected', reason: 'client_msg_id_reused' };
    }
    const gate = selectEpochGate.get(m.convId, m.epochId) as
      { member_log_seq: number; last_departure_seq: number } | undefined;
    if (!gate) return { status: 'rejected', reason: 'unknown_epoch' };
    if (gate.member_log_seq < gate.last_departure_seq) {
      return { status: 'rejected', reason: 'stale_epoch' };
    }
    if (selectMsgId.get(m.convId, m.msgId)) return { status: 'rejected', reason: 'msg_id_taken' };
    const event = events.append(m.convId, m.now, {
      kind: 'message',
      sender: m.sender,
      data: m.data,
      sig: m.sig,
      box: m.box,
      msgId: m.msgId,
      clientMsgId: m.clientMsgId,
      epochId: m.epochId,
      counts: m.countsAsUnread === true,
    });
    if (!event) return { status: 'rejected', reason: 'not_member' };
    countMessage.run(m.convId, m.epochId);
    cursors.sent(m.convId, m.sender, event.seq);
    if (m.redacts !== undefined) cursors.redact(m.convId, m.sender, m.redacts);
    return { status: 'stored', event };
  }

  const appendBatch = db.transaction((batch: readonly NewMessage[]) => batch.map(appendOne));

  return {
    async appendMessages(batch) {
      if (batch.length === 0) return [];
      return appendBatch.immediate(batch);
    },
    async listEvents(convId, { after, before, limit }) {
      if (after !== undefined) {
        const rows = pageAfter.all(convId, after, before ?? Number.MAX_SAFE_INTEGER, limit + 1);
        return {
          events: (rows as EventRow[]).slice(0, limit).map(toEvent),
          hasMore: rows.length > limit,
        };
      }
      const rows = pageBefore.all(convId, before ?? Number.MAX_SAFE_INTEGER, limit + 1);
      return {
        events: (rows as EventRow[]).slice(0, limit).reverse().map(toEvent),
        hasMore: rows.length > limit,
      };
    },
    async listMemberEntries(convId, afterMemberSeq, limit) {
      const rows = memberPage.all(convId, afterMemberSeq, limit + 1) as EventRow[];
      return { events: rows.slice(0, limit).map(toEvent), hasMore: rows.length > limit };
    },
    async listEpochs(convId) {
      return (selectEpochs.all(convId) as EpochRow[]).map(toEpochInfo);
    },
    async listEnvelopes(convId, recipient, epochId) {
      const rows =
        epochId === undefined
          ? selectEnvelopes.all(convId, recipient)
          : selectEnvelope.all(convId, recipient, epochId);
      return (rows as EnvelopeRow[]).map(toEnvelope);
    },
  };
}
