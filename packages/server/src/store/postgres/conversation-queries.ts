import type { PoolClient } from 'pg';
import type {
  ConversationRecord,
  MemberChange,
  NewMemberEntry,
  StoredEvent,
} from '../conversation-store.js';
import type { ConversationQueries } from '../sqlite/conversation-queries.js';
import { toConversation } from '../sqlite/conversation-rows.js';
import type { ConversationRow, MemberRow } from '../sqlite/conversation-rows.js';
import { toUser } from '../sqlite/rows.js';
import type { UserRow } from '../sqlite/rows.js';
import type { Database } from './database.js';
import { appendPgEvent } from './event-writer.js';
import { pgCursors } from './receipt-queries.js';
import { translateConflicts } from './user-queries.js';

const CONVERSATION_SELECT = `SELECT c.*, e.msg_count AS current_epoch_messages
  FROM conversations c LEFT JOIN epochs e ON e.conv_id = c.id AND e.epoch_id = c.current_epoch_id`;
// The SQLite row mapper reads is_admin as 0/1.
const MEMBER_COLUMNS = 'conv_id, user_id, identity_key, is_admin::int AS is_admin, joined_seq';

interface Head {
  member_seq: number;
  current_epoch_id: string | null;
}

/**
 * Locks the conversation row for the rest of the transaction and reads its heads. Every write
 * to a conversation takes this lock first, so checks made after it cannot be invalidated by a
 * writer on another node before this transaction commits.
 */
export async function lockConversation(
  client: PoolClient,
  convId: string,
): Promise<Head | undefined> {
  const { rows } = await client.query<Head>(
    'SELECT member_seq, current_epoch_id FROM conversations WHERE id = $1 FOR UPDATE',
    [convId],
  );
  return rows[0];
}

async function applyChange(
  client: PoolClient,
  convId: string,
  change: MemberChange,
  memberSeq: number,
  seq: number,
): Promise<void> {
  switch (change.op) {
    case 'create':
    case 'add':
      await client.query(
        `INSERT INTO members (conv_id, user_id, identity_key, is_admin, joined_seq)
          VALUES ($1, $2, $3, $4, $5)`,
        [convId, change.userId, change.identityKey, change.op === 'create', seq],
      );
      await pgCursors.join(client, convId, change.userId, seq);
      await client.query('UPDATE conversations SET member_seq = $1 WHERE id = $2', [
        memberSeq,
        convId,
      ]);
      return;
    case 'remove':
    case 'leave':
      await client.query('DELETE FROM members WHERE conv_id = $1 AND user_id = $2', [
        convId,
        change.userId,
      ]);
      await pgCursors.depart(client, convId, change.userId);
      await client.query(
        'UPDATE conversations SET member_seq = $1, last_departure_seq = $1 WHERE id = $2',
        [memberSeq, convId],
      );
      return;
    case 'promote':
    case 'demote':
      await client.query('UPDATE members SET is_admin = $1 WHERE conv_id = $2 AND user_id = $3', [
        change.op === 'promote',
        convId,
        change.userId,
      ]);
      await client.query('UPDATE conversations SET member_seq = $1 WHERE id = $2', [
        memberSeq,
        convId,
      ]);
      return;
  }
}

async function appendEntry(
  client: PoolClient,
  convId: string,
  entry: NewMemberEntry,
  now: number,
): Promise<StoredEvent> {
  const event = await appendPgEvent(client, convId, now, {
    kind: 'member',
    sender: entry.sender,
    data: entry.data,
    sig: entry.sig,
    memberSeq: entry.memberSeq,
  });
  if (!event) throw new Error(`conversation ${convId} vanished inside its transaction`);
  await applyChange(client, convId, entry.change, entry.memberSeq, event.seq);
  return event;
}

/** The conversation and membership half of the conversation store on PostgreSQL. */
export function createPgConversationQueries(db: Database): ConversationQueries {
  async function load(row: ConversationRow | undefined): Promise<ConversationRecord | undefined> {
    if (!row) return undefined;
    const members = await db.query<MemberRow>(
      `SELECT ${MEMBER_COLUMNS} FROM members WHERE conv_id = $1 ORDER BY user_id`,
      [row.id],
    );
    return toConversation(row, members);
  }

  return {
    async searchUsers(prefix, limit) {
      const rows = await db.query<UserRow>(
        'SELECT * FROM users WHERE username >= $1 AND username < $2 ORDER BY username LIMIT $3',
        [prefix, `${prefix}\u007f`, limit],
      );
      return rows.map(toUser);
    },
    async createConversation(c) {
      return translateConflicts(
        () =>
          db.transaction(async (client) => {
            await client.query(
              `INSERT INTO conversations (id, kind, title, direct_pair, created_by, created_at,
                last_seq, last_event_at, member_seq, last_departure_seq, current_epoch_id)
                VALUES ($1, $2, $3, $4, $5, $6, 0, $6, -1, -1, NULL)`,
              [c.id, c.kind, c.title, c.directPair, c.createdBy, c.now],
            );
            const events: StoredEvent[] = [];
            for (const entry of c.entries)
              events.push(await appendEntry(client, c.id, entry, c.now));
            return events;
          }),
        {
          conversations_pkey: 'conversation_id',
          conversations_direct_pair_key: 'direct_pair',
        },
      );
    },
    async findConversation(id) {
      const [row] = await db.query<ConversationRow>(`${CONVERSATION_SELECT} WHERE c.id = $1`, [id]);
      return load(row);
    },
    async findDirectConversation(pair) {
      const [row] = await db.query<ConversationRow>(
        `${CONVERSATION_SELECT} WHERE c.direct_pair = $1`,
        [pair],
      );
      return load(row);
    },
    async listConversations(userId) {
      const [rows, members] = await Promise.all([
        db.query<ConversationRow>(
          `${CONVERSATION_SELECT} JOIN members m ON m.conv_id = c.id WHERE m.user_id = $1
            ORDER BY c.last_event_at DESC, c.id`,
          [userId],
        ),
        db.query<MemberRow>(
          `SELECT o.conv_id, o.user_id, o.identity_key, o.is_admin::int AS is_admin, o.joined_seq
            FROM members m JOIN members o ON o.conv_id = m.conv_id WHERE m.user_id = $1
            ORDER BY o.conv_id, o.user_id`,
          [userId],
        ),
      ]);
      const byConv = new Map<string, MemberRow[]>();
      for (const m of members) {
        const list = byConv.get(m.conv_id) ?? [];
        list.push(m);
        byConv.set(m.conv_id, list);
      }
      return rows.map((row) => toConversation(row, byConv.get(row.id) ?? []));
    },
    async listConversationHeads(userId) {
      const rows = await db.query<{ id: string; last_seq: number }>(
        `SELECT c.id, c.last_seq FROM members m JOIN conversations c ON c.id = m.conv_id
          WHERE m.user_id = $1 ORDER BY c.last_event_at DESC, c.id`,
        [userId],
      );
      return rows.map((r) => ({ id: r.id, lastSeq: r.last_seq }));
    },
    async appendMemberEntry({ convId, expectedMemberSeq, entry, now }) {
      return db.transaction(async (client) => {
        const head = await lockConversation(client, convId);
        if (!head) return { status: 'not_found' as const };
        if (head.member_seq !== expectedMemberSeq || entry.memberSeq !== expectedMemberSeq + 1) {
          return { status: 'conflict' as const, memberSeq: head.member_seq };
        }
        return {
          status: 'appended' as const,
          event: await appendEntry(client, convId, entry, now),
        };
      });
    },
    async appendEpoch(e) {
      return db.transaction(async (client) => {
        const head = await lockConversation(client, e.convId);
        if (!head) return { status: 'not_found' as const };
        const conflict = {
          status: 'conflict' as const,
          currentEpochId: head.current_epoch_id,
          memberSeq: head.member_seq,
        };
        if (head.current_epoch_id !== e.prevEpochId || head.member_seq !== e.expectedMemberSeq) {
          return conflict;
        }
        const existing = await client.query(
          'SELECT 1 FROM epochs WHERE conv_id = $1 AND epoch_id = $2',
          [e.convId, e.epochId],
        );
        if (existing.rowCount) return conflict;
        const event = await appendPgEvent(client, e.convId, e.now, {
          kind: 'epoch',
          sender: e.creator,
          data: e.data,
          sig: e.sig,
          epochId: e.epochId,
        });
        if (!event) return { status: 'not_found' as const };
        await client.query(
          `INSERT INTO epochs (conv_id, epoch_id, seq, prev_epoch_id, creator, member_log_seq,
            created_at, msg_count) VALUES ($1, $2, $3, $4, $5, $6, $7, 0)`,
          [e.convId, e.epochId, event.seq, e.prevEpochId, e.creator, e.expectedMemberSeq, e.now],
        );
        if (e.envelopes.length > 0) {
          // One statement for every envelope (a group can have hundreds of members).
          await client.query(
            `INSERT INTO envelopes (conv_id, epoch_id, recipient, ka_id, enc, ct)
              SELECT $1, $2, r, k, n, c
              FROM unnest($3::text[], $4::bytea[], $5::bytea[], $6::bytea[]) AS u(r, k, n, c)`,
            [
              e.convId,
              e.epochId,
              e.envelopes.map((env) => env.recipient),
              e.envelopes.map((env) => Buffer.from(env.kaId)),
              e.envelopes.map((env) => Buffer.from(env.enc)),
              e.envelopes.map((env) => Buffer.from(env.ct)),
            ],
          );
        }
        await client.query('UPDATE conversations SET current_epoch_id = $1 WHERE id = $2', [
          e.epochId,
          e.convId,
        ]);
        return { status: 'appended' as const, event };
      });
    },
  };
}
