import { join } from 'node:path';
import type { ConversationList, ReceiptEvent, UnreadEvent } from '@parley/sdk/protocol';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../test/helpers.js';
import type { TestServer } from '../../test/helpers.js';
import {
  RELAXED_LIMITS,
  b64u,
  callOk,
  changeMembers,
  connect,
  connected,
  createGroup,
  newUser,
  online,
  sleep,
  startEpoch,
  until,
  wire,
} from '../conversations/test-fixtures.js';
import type { ChatSocket, ChatUser, TestConversation } from '../conversations/test-fixtures.js';
import { DATABASE_FILE } from '../store/sqlite/open-database.js';

/**
 * Receipts and unread counts against a real server, real sockets and the real database: the
 * read-receipt setting, monotonic cursors, and a property test that replays random runs of
 * sends, edits, deletions, reads, extra tabs, reconnects and a removal, then checks that the
 * last count pushed to every tab equals a recount straight from the SQLite file.
 */

let t: TestServer;
const open: ChatSocket[] = [];

async function connectAs(user: ChatUser): Promise<ChatSocket> {
  const socket = await online(t, user);
  open.push(socket);
  return socket;
}

/** Connects with an `unread` collector attached before the handshake (nothing is missed). */
async function tabOf(user: ChatUser): Promise<[ChatSocket, UnreadEvent[]]> {
  const socket = connect(t, user);
  const seen = collect<UnreadEvent>(socket, 'unread');
  open.push(socket);
  await connected(socket);
  return [socket, seen];
}

function collect<T>(socket: ChatSocket, event: 'receipt' | 'unread'): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: unknown) => seen.push(payload as T));
  return seen;
}

async function sendAs(
  socket: ChatSocket,
  conv: TestConversation,
  user: ChatUser,
  ctype = 'text',
  redacts?: string,
) {
  const message = wire(conv, user);
  message.header.ctype = ctype;
  const ack = await socket.timeout(10_000).emitWithAck('send', {
    conversationId: conv.id,
    clientMsgId: b64u(12),
    message,
    ...(redacts ? { redacts } : {}),
  });
  if (!ack.ok) throw new Error(JSON.stringify(ack));
  return ack;
}

beforeAll(async () => {
  t = await startTestServer({
    ...RELAXED_LIMITS,
    realtime: { ...RELAXED_LIMITS.realtime, extras: { points: 100_000, durationSec: 10 } },
  });
});
afterEach(() => {
  open.splice(0).forEach((s) => s.close());
});
afterAll(async () => {
  await t.close();
});

describe('read receipts', () => {
  it('are monotonic: a lower cursor changes nothing and reaches nobody', async () => {
    const [alice, bob] = [await newUser(t), await newUser(t)];
    const conv = await createGroup(t, alice, [bob]);
    await startEpoch(t, alice, conv, [alice, bob]);
    const [a, b] = [await connectAs(alice), await connectAs(bob)];
    const toAlice = collect<ReceiptEvent>(a, 'receipt');
    for (let i = 0; i < 3; i++) await sendAs(a, conv, alice);
    const high = await b.emitWithAck('receipt', { conversationId: conv.id, type: 'read', seq: 6 });
    expect(high).toEqual({ ok: true, readSeq: 6, deliveredSeq: 6, unread: 0, lastSeq: 6 });
    await until(() => toAlice.some((r) => r.type === 'read'));
    const low = await b.emitWithAck('receipt', { conversationId: conv.id, type: 'read', seq: 4 });
    expect(low).toEqual({ ok: true, readSeq: 6, deliveredSeq: 6, unread: 0, lastSeq: 6 });
    await sleep(50);
    const reads = toAlice.filter((r) => r.type === 'read');
    expect(reads).toEqual([{ conversationId: conv.id, userId: bob.id, type: 'read', seq: 6 }]);
  });

  it('turned off, sends none and sees none, while delivery receipts still flow', async () => {
    const [alice, bob] = [await newUser(t), await newUser(t)];
    const conv = await createGroup(t, alice, [bob]);
    await startEpoch(t, alice, conv, [alice, bob]);
    const [a, b] = [await connectAs(alice), await connectAs(bob)];
    await b.emitWithAck('settings', { readReceipts: false });
    const toAlice = collect<ReceiptEvent>(a, 'receipt');
    const toBob = collect<ReceiptEvent>(b, 'receipt');
    await sendAs(a, conv, alice);
    await b.emitWithAck('receipt', { conversationId: conv.id, type: 'read', seq: 4 });
    await sendAs(b, conv, bob);
    await a.emitWithAck('receipt', { conversationId: conv.id, type: 'read', seq: 5 });
    await sleep(100);
    expect(toAlice.filter((r) => r.type === 'read' && r.userId === bob.id)).toEqual([]);
    expect(toAlice.filter((r) => r.type === 'delivered').length).toBeGreaterThan(0);
    expect(toBob.filter((r) => r.type === 'read')).toEqual([]);
    const listed = await b.emitWithAck('receipts:list', { conversationId: conv.id });
    expect(listed.ok && listed.receipts.every((r) => r.readSeq === null)).toBe(true);
    const byAlice = await a.emitWithAck('receipts:list', { conversationId: conv.id });
    expect(byAlice.ok && byAlice.receipts.find((r) => r.userId === bob.id)?.readSeq).toBeNull();
  });

  it('refuses receipts and listings from a non-member like an unknown conversation', async () => {
    const [alice, stranger] = [await newUser(t), await newUser(t)];
    const conv = await createGroup(t, alice, []);
    const s = await connectAs(stranger);
    const notFound = { ok: false, error: { code: 'not_found', message: 'No such conversation' } };
    expect(
      await s.emitWithAck('receipt', { conversationId: conv.id, type: 'read', seq: 1 }),
    ).toEqual(notFound);
    expect(await s.emitWithAck('receipts:list', { conversationId: conv.id })).toEqual(notFound);
  });

  it('refuses a deletion hint on anything but a delete', async () => {
    const alice = await newUser(t);
    const conv = await createGroup(t, alice, []);
    await startEpoch(t, alice, conv, [alice]);
    const a = await connectAs(alice);
    await expect(sendAs(a, conv, alice, 'text', b64u(16))).rejects.toThrow(/invalid_input/);
  });
});

describe('unread counts', () => {
  it('are listed with the conversations, with the total', async () => {
    const [alice, bob] = [await newUser(t), await newUser(t)];
    const conv = await createGroup(t, alice, [bob]);
    await startEpoch(t, alice, conv, [alice, bob]);
    const a = await connectAs(alice);
    await sendAs(a, conv, alice);
    await sendAs(a, conv, alice, 'reaction');
    await sendAs(a, conv, alice);
    const list = await callOk<ConversationList>(t, bob, '/conversations');
    expect(list.unreadTotal).toBe(2);
    expect(list.conversations[0]).toMatchObject({ id: conv.id, unreadCount: 2, readSeq: 2 });
  });

  it('come within 200 ms in a quiet conversation, and about once a second in a busy one', async () => {
    const [alice, bob] = [await newUser(t), await newUser(t)];
    const conv = await createGroup(t, alice, [bob]);
    await startEpoch(t, alice, conv, [alice, bob]);
    const a = await connectAs(alice);
    const [, seen] = await tabOf(bob);
    await until(() => seen.some((e) => e.conversationId === conv.id), 5000);
    const quiet = Date.now();
    await sendAs(a, conv, alice);
    await until(() => latest(seen, conv.id)?.count === 1, 5000);
    const quietMs = Date.now() - quiet;
    const before = seen.length;
    await sleep(1100);
    // Twelve messages over about two seconds: a push a second at most (the first may come
    // 200 ms in, then one each second), not one per 200 ms window.
    const start = Date.now();
    for (let i = 0; i < 12; i++) {
      await sendAs(a, conv, alice);
      await sleep(150);
    }
    await until(() => latest(seen, conv.id)?.count === 13, 5000);
    const seconds = (Date.now() - start) / 1000;
    const busy = seen.length - before;
    expect(quietMs).toBeLessThan(1000);
    expect(busy).toBeGreaterThanOrEqual(1);
    expect(busy).toBeLessThanOrEqual(Math.floor(seconds) + 1);
  });

  it('pushed to every tab always equal a recount from the database', async () => {
    type Action =
      | { op: 'send' | 'edit'; who: number }
      | { op: 'delete'; who: number; pick: number }
      | { op: 'read'; who: number; tab: number; back: number }
      | { op: 'tab' | 'reconnect'; who: number; tab: number }
      | { op: 'remove' };
    const action: fc.Arbitrary<Action> = fc.oneof(
      fc.record({ op: fc.constantFrom('send' as const, 'edit' as const), who: fc.nat(2) }),
      fc.record({ op: fc.constant('delete' as const), who: fc.nat(2), pick: fc.nat(50) }),
      fc.record({
        op: fc.constant('read' as const),
        who: fc.nat(2),
        tab: fc.nat(2),
        back: fc.nat(3),
      }),
      fc.record({
        op: fc.constantFrom('tab' as const, 'reconnect' as const),
        who: fc.nat(2),
        tab: fc.nat(2),
      }),
      fc.record({ op: fc.constant('remove' as const) }),
    );
    const db = new Database(join(t.dataDir, DATABASE_FILE), { readonly: true });
    /** The member's read cursor and unread count, recounted from the log in the database. */
    const recount = (convId: string, userId: string, deleted: ReadonlySet<string>) => {
      const cursor = db
        .prepare('SELECT read_seq FROM read_cursors WHERE conv_id = ? AND user_id = ?')
        .get(convId, userId) as { read_seq: number } | undefined;
      if (!cursor) return { count: 0, readSeq: undefined };
      const rows = db
        .prepare(
          `SELECT msg_id FROM events WHERE conv_id = ? AND kind = 'message'
          AND json_extract(data, '$.ctype') IN ('text', 'attachment') AND sender <> ? AND seq > ?`,
        )
        .all(convId, userId, cursor.read_seq) as { msg_id: string }[];
      const count = rows.filter((r) => !deleted.has(r.msg_id)).length;
      return { count, readSeq: cursor.read_seq };
    };

    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 14 }), async (actions) => {
        const users = [await newUser(t), await newUser(t), await newUser(t)];
        const [admin] = users as [ChatUser];
        const conv = await createGroup(t, admin, users.slice(1));
        await startEpoch(t, admin, conv, users);
        const tabs: ChatSocket[][] = [];
        const pushes: UnreadEvent[][][] = [];
        const openTab = async (who: number) => {
          const [socket, seen] = await tabOf(users[who]!);
          tabs[who] = [...(tabs[who] ?? []), socket];
          pushes[who] = [...(pushes[who] ?? []), seen];
        };
        for (const who of [0, 1, 2]) await openTab(who);
        const members = new Set([0, 1, 2]);
        const sent: { msgId: string; who: number }[] = [];
        const deleted = new Set<string>();
        let head = 4;
        for (const step of actions) {
          if (step.op === 'remove') {
            if (!members.has(2)) continue;
            await changeMembers(t, admin, conv, 'remove', users[2]!);
            members.delete(2);
            head++;
            await startEpoch(t, admin, conv, users.slice(0, 2));
            head++;
            continue;
          }
          if (!members.has(step.who)) continue;
          const user = users[step.who]!;
          const socket = tabs[step.who]!.at(-1)!;
          if (step.op === 'send' || step.op === 'edit') {
            const ack = await sendAs(socket, conv, user, step.op === 'send' ? 'text' : 'edit');
            head = ack.ok ? ack.seq : head;
            if (step.op === 'send' && ack.ok) sent.push({ msgId: ack.id, who: step.who });
          } else if (step.op === 'delete') {
            const own = sent.filter((m) => m.who === step.who || step.who === 0);
            const target = own[step.pick % Math.max(1, own.length)];
            const ack = await sendAs(socket, conv, user, 'delete', target?.msgId);
            head = ack.ok ? ack.seq : head;
            if (target) deleted.add(target.msgId);
          } else if (step.op === 'read') {
            const tab = tabs[step.who]![step.tab % tabs[step.who]!.length]!;
            await tab.emitWithAck('receipt', {
              conversationId: conv.id,
              type: 'read',
              seq: Math.max(0, head - step.back),
            });
          } else if (step.op === 'tab') {
            if ((tabs[step.who]?.length ?? 0) < 3) await openTab(step.who);
          } else if (step.op === 'reconnect') {
            const index = step.tab % tabs[step.who]!.length;
            tabs[step.who]![index]!.close();
            const [socket, seen] = await tabOf(user);
            tabs[step.who]![index] = socket;
            pushes[step.who]![index] = seen;
          }
        }
        await sleep(50);
        for (const who of [0, 1, 2]) {
          const expected = recount(conv.id, users[who]!.id, deleted);
          for (const seen of pushes[who] ?? []) {
            // Every tab ends on the recount: same count, same cursor (a removed member: 0).
            await until(() => {
              const last = latest(seen, conv.id);
              if (last === undefined || last.count !== expected.count) return false;
              return expected.readSeq === undefined || last.readSeq === expected.readSeq;
            });
          }
        }
      }),
      { numRuns: 8 },
    );
    db.close();
  }, 120_000);
});

/** The push with the largest (lastSeq, readSeq) for a conversation. */
function latest(seen: readonly UnreadEvent[], convId: string): UnreadEvent | undefined {
  let best: UnreadEvent | undefined;
  for (const e of seen) {
    if (e.conversationId !== convId) continue;
    if (!best || (e.lastSeq >= best.lastSeq && e.readSeq >= best.readSeq)) best = e;
  }
  return best;
}
