import type { Database } from 'better-sqlite3';
import type {
  ConversationRecord,
  MemberChange,
  NewMemberEntry,
  StoredEvent,
} from '../conversation-store.js';
import { StoreConflictError } from '../store-errors.js';
import type { StoreConstraint } from '../store-errors.js';
import type { Store } from '../store.js';
import { toConversation } from './conversation-rows.js';
import type { ConversationRow, MemberRow } from './conversation-rows.js';
import { createEventWriter } from './event-writer.js';
import { createCursorWriter } from './receipt-queries.js';
import { toUser } from './rows.js';
import type { UserRow } from './rows.js';

/** The conversation and membership half of the conversation store. */
export type ConversationQueries = Pick<
  Store,
  | 'searchUsers'
  | 'createConversation'
  | 'findConversation'
  | 'findDirectConversation'
  | 'listConversations'
  | 'listConversationHeads'
  | 'appendMemberEntry'
  | 'appendEpoch'
>;

const CONVERSATION_SELECT = `SELECT c.*, e.msg_count AS current_epoch_messages
  FROM conversations c LEFT JOIN epochs e ON e.conv_id = c.id AND e.epoch_id = c.current_epoch_id`;

/** Builds the conversation queries over an open, migrated database. */
export function createConversationQueries(db: Database): ConversationQueries {
  const events = createEventWriter(db);
  const cursors = createCursorWriter(db);
  // Every allowed username character sorts below U+007F, so this range is exactly the prefix
  // match, and it uses the unique index on username.
  const searchUsers = db.prepare(
    'SELECT * FROM users WHERE username >= ? AND username < ? ORDER BY username LIMIT ?',
  );
  const insertConversation = db.prepare(`INSERT INTO conversations (id, kind, title, direct_pair,
    created_by, created_at, last_seq, last_event_at, member_seq, last_departure_seq,
    current_epoch_id) VALUES (?, ?, ?, ?, ?, ?, 0, ?, -1, -1, NULL)`);
  const selectById = db.prepare(`${CONVERSATION_SELECT} WHERE c.id = ?`);
  const selectByPair = db.prepare(`${CONVERSATION_SELECT} WHERE c.direct_pair = ?`);
  const selectForUser = db.prepare(`${CONVERSATION_SELECT}
    JOIN members m ON m.conv_id = c.id WHERE m.user_id = ? ORDER BY c.last_event_at DESC, c.id`);
  const selectMembers = db.prepare('SELECT * FROM members WHERE conv_id = ? ORDER BY user_id');
  const selectMembersForUser = db.prepare(`SELECT o.* FROM members m
    JOIN members o ON o.conv_id = m.conv_id WHERE m.user_id = ? ORDER BY o.conv_id, o.user_id`);
  const selectHeadsForUser = db.prepare(`SELECT c.id, c.last_seq FROM members m
    JOIN conversations c ON c.id = m.conv_id WHERE m.user_id = ? ORDER BY c.last_event_at DESC, c.id`);
  const selectHead = db.prepare(
    'SELECT member_seq, current_epoch_id FROM conversations WHERE id = ?',
  );
  const insertMember = db.prepare(`INSERT INTO members (conv_id, user_id, identity_key, is_admin,
    joined_seq) VALUES (?, ?, ?, ?, ?)`);
  const deleteMember = db.prepare('DELETE FROM members WHERE conv_id = ? AND user_id = ?');
  const setAdmin = db.prepare('UPDATE members SET is_admin = ? WHERE conv_id = ? AND user_id = ?');
  const setMemberSeq = db.prepare('UPDATE conversations SET member_seq = ? WHERE id = ?');
  const setDeparture = db.prepare(
    'UPDATE conversations SET member_seq = ?, last_departure_seq = ? WHERE id = ?',
  );
  const selectEpoch = db.prepare('SELECT 1 FROM epochs WHERE conv_id = ? AND epoch_id = ?');
  const insertEpoch = db.prepare(`INSERT INTO epochs (conv_id, epoch_id, seq, prev_epoch_id,
    creator, member_log_seq, created_at, msg_count) VALUES (?, ?, ?, ?, ?, ?, ?, 0)`);
  const insertEnvelope = db.prepare(`INSERT INTO envelopes (conv_id, epoch_id, recipient, ka_id,
    enc, ct) VALUES (?, ?, ?, ?, ?, ?)`);
  const setCurrentEpoch = db.prepare('UPDATE conversations SET current_epoch_id = ? WHERE id = ?');

  function applyChange(convId: string, change: MemberChange, memberSeq: number, seq: number) {
    switch (change.op) {
      case 'create':
      case 'add':
        insertMember.run(
          convId,
          change.userId,
          change.identityKey,
          change.op === 'create' ? 1 : 0,
          seq,
        );
        cursors.join(convId, change.userId, seq);
        setMemberSeq.run(memberSeq, convId);
        return;
      case 'remove':
      case 'leave':
        deleteMember.run(convId, change.userId);
        cursors.depart(convId, change.userId);
        setDeparture.run(memberSeq, memberSeq, convId);
        return;
      case 'promote':
      case 'demote':
        setAdmin.run(change.op === 'promote' ? 1 : 0, convId, change.userId);
        setMemberSeq.run(memberSeq, convId);
        return;
    }
  }

  function appendEntry(convId: string, entry: NewMemberEntry, now: number): StoredEvent {
    const event = events.append(convId, now, {
      kind: 'member',
      sender: entry.sender,
      data: entry.data,
      sig: entry.sig,
      memberSeq: entry.memberSeq,
    });
    if (!event) throw new Error(`conversation ${convId} vanished inside its transaction`);
    applyChange(convId, entry.change, entry.memberSeq, event.seq);
    return event;
  }

  function load(row: ConversationRow | undefined): ConversationRecord | undefined {
    return row && toConversation(row, selectMembers.all(row.id) as MemberRow[]);
  }

  return {
    async searchUsers(prefix, limit) {
      return (searchUsers.all(prefix, `${prefix}\u007f`, limit) as UserRow[]).map(toUser);
    },
    async createConversation(c) {
      const create = db.transaction(() => {
        insertConversation.run(c.id, c.kind, c.title, c.directPair, c.createdBy, c.now, c.now);
        return c.entries.map((entry) => appendEntry(c.id, entry, c.now));
      });
      try {
        return create.immediate();
      } catch (error) {
        const constraint = conflictOf(error);
        if (constraint) throw new StoreConflictError(constraint, { cause: error });
        throw error;
      }
    },
    async findConversation(id) {
      return load(selectById.get(id) as ConversationRow | undefined);
    },
    async findDirectConversation(pair) {
      return load(selectByPair.get(pair) as ConversationRow | undefined);
    },
    async listConversations(userId) {
      const rows = selectForUser.all(userId) as ConversationRow[];
      const byConv = new Map<string, MemberRow[]>();
      for (const m of selectMembersForUser.all(userId) as MemberRow[]) {
        const list = byConv.get(m.conv_id) ?? [];
        list.push(m);
        byConv.set(m.conv_id, list);
      }
      return rows.map((row) => toConversation(row, byConv.get(row.id) ?? []));
    },
    async listConversationHeads(userId) {
      const rows = selectHeadsForUser.all(userId) as { id: string; last_seq: number }[];
      return rows.map((r) => ({ id: r.id, lastSeq: r.last_seq }));
    },
    async appendMemberEntry({ convId, expectedMemberSeq, entry, now }) {
      const append = db.transaction(() => {
        const head = selectHead.get(convId) as { member_seq: number } | undefined;
        if (!head) return { status: 'not_found' as const };
        if (head.member_seq !== expectedMemberSeq || entry.memberSeq !== expectedMemberSeq + 1) {
          return { status: 'conflict' as const, memberSeq: head.member_seq };
        }
        return { status: 'appended' as const, event: appendEntry(convId, entry, now) };
      });
      return append.immediate();
    },
    async appendEpoch(e) {
      const append = db.transaction(() => {
        const head = selectHead.get(e.convId) as
          { member_seq: number; current_epoch_id: string | null } | undefined;
        if (!head) return { status: 'not_found' as const };
        const conflict = {
          status: 'conflict' as const,
          currentEpochId: head.current_epoch_id,
          memberSeq: head.member_seq,
        };
        if (head.current_epoch_id !== e.prevEpochId || head.member_seq !== e.expectedMemberSeq) {
          return conflict;
        }
        if (selectEpoch.get(e.convId, e.epochId)) return conflict;
        const event = events.append(e.convId, e.now, {
          kind: 'epoch',
          sender: e.creator,
          data: e.data,
          sig: e.sig,
          epochId: e.epochId,
        });
        if (!event) return { status: 'not_found' as const };
        insertEpoch.run(
          e.convId,
          e.epochId,
          event.seq,
          e.prevEpochId,
          e.creator,
          e.expectedMemberSeq,
          e.now,
        );
        for (const env of e.envelopes) {
          insertEnvelope.run(e.convId, e.epochId, env.recipient, env.kaId, env.enc, env.ct);
        }
        setCurrentEpoch.run(e.epochId, e.convId);
        return { status: 'appended' as const, event };
      });
      return append.immediate();
    },
  };
}

function conflictOf(error: unknown): StoreConstraint | undefined {
  if (!(error instanceof Error) || !('code' in error)) return undefined;
  const { code } = error as { code: unknown };
  if (code !== 'SQLITE_CONSTRAINT_PRIMARYKEY' && code !== 'SQLITE_CONSTRAINT_UNIQUE') {
    return undefined;
  }
  if (error.message.includes('conversations.direct_pair')) return 'direct_pair';
  if (error.message.includes('conversations.id')) return 'conversation_id';
  return undefined;
}
