import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MemberChange, NewMemberEntry, NewMessage } from './conversation-store.js';
import type { Store } from './store.js';

const T0 = 1_700_000_000_000;
const rand = (n: number): Uint8Array => Uint8Array.from(randomBytes(n));
const id = (): string => randomBytes(16).toString('base64url');

function entry(memberSeq: number, sender: string, change: MemberChange): NewMemberEntry {
  return { memberSeq, sender, data: `{"seq":${memberSeq}}`, sig: rand(64), change };
}

/** A new message from `sender`; `countsAsUnread` stands in for the send path's decision. */
export function message(
  convId: string,
  sender: string,
  epochId: string,
  over: Partial<NewMessage> = {},
): NewMessage {
  return {
    convId,
    sender,
    clientMsgId: `c-${id()}`,
    msgId: id(),
    epochId,
    data: '{}',
    box: rand(40),
    sig: rand(64),
    now: T0 + 100,
    countsAsUnread: true,
    ...over,
  };
}

/**
 * The receipts half of the store contract (see {@link ReceiptStore}): cursors start at the
 * joining entry, only move forward, and the unread count equals a recount over the log.
 */
export function receiptsContract(getStore: () => Store): void {
  let store: Store;
  const [a, b, c] = [id(), id(), id()];
  beforeEach(() => {
    store = getStore();
  });

  /** A group of a (admin), b and c with an epoch; seqs 1-3 are entries, 4 the epoch. */
  async function group(): Promise<{ convId: string; epochId: string }> {
    const convId = id();
    await store.createConversation({
      id: convId,
      kind: 'group',
      title: 'Team',
      directPair: null,
      createdBy: a,
      now: T0,
      entries: [
        entry(0, a, { op: 'create', userId: a, identityKey: rand(32) }),
        entry(1, a, { op: 'add', userId: b, identityKey: rand(32) }),
        entry(2, a, { op: 'add', userId: c, identityKey: rand(32) }),
      ],
    });
    const epochId = id();
    const appended = await store.appendEpoch({
      convId,
      epochId,
      prevEpochId: null,
      expectedMemberSeq: 2,
      creator: a,
      data: '{}',
      sig: rand(64),
      envelopes: [],
      now: T0 + 10,
    });
    expect(appended.status).toBe('appended');
    return { convId, epochId };
  }

  const unreadOf = async (convId: string, user: string) =>
    (await store.listUnread(user)).find((s) => s.convId === convId)?.unread;

  describe('receipts and unread counts', () => {
    it('starts members at the entry that added them, with nothing unread', async () => {
      const { convId } = await group();
      const cursors = await store.listConversationCursors(convId);
      const byUser = new Map(cursors.map((s) => [s.userId, s]));
      expect(byUser.get(a)).toMatchObject({ readSeq: 1, deliveredSeq: 1, unread: 0, lastSeq: 4 });
      expect(byUser.get(c)).toMatchObject({ readSeq: 3, unread: 0 });
      expect(cursors).toHaveLength(3);
    });

    it('counts messages of others, not own ones, not edits or reactions', async () => {
      const { convId, epochId } = await group();
      await store.appendMessages([
        message(convId, a, epochId),
        message(convId, a, epochId),
        message(convId, b, epochId),
        message(convId, a, epochId, { countsAsUnread: false }),
      ]);
      expect(await unreadOf(convId, a)).toBe(0);
      expect(await unreadOf(convId, b)).toBe(0); // b's own message moved b's cursor past a's
      expect(await unreadOf(convId, c)).toBe(3);
    });

    it('moves cursors forward only, clamped to the head, read moving delivered too', async () => {
      const { convId, epochId } = await group();
      await store.appendMessages([0, 1, 2].map(() => message(convId, a, epochId)));
      expect(await store.markRead(convId, b, 6)).toMatchObject({ readSeq: 6, unread: 1 });
      expect(await store.markRead(convId, b, 5)).toMatchObject({ readSeq: 6, unread: 1 });
      expect(await store.markDelivered(convId, b, 99)).toMatchObject({ deliveredSeq: 7 });
      expect(await store.markDelivered(convId, b, 2)).toMatchObject({ deliveredSeq: 7 });
      expect(await store.markRead(convId, c, 1000)).toMatchObject({
        readSeq: 7,
        deliveredSeq: 7,
        unread: 0,
      });
    });

    it('answers undefined for non-members and unknown conversations', async () => {
      const { convId } = await group();
      expect(await store.markRead(convId, id(), 2)).toBeUndefined();
      expect(await store.markDelivered(id(), a, 2)).toBeUndefined();
      expect(await store.listUnread(id())).toEqual([]);
    });

    it('takes deleted messages out of the count, only when the deleter may delete them', async () => {
      const { convId, epochId } = await group();
      const [m1, m2] = [message(convId, b, epochId), message(convId, b, epochId)];
      await store.appendMessages([m1, m2]);
      expect(await unreadOf(convId, c)).toBe(2);
      // c is not b and not an admin: ignored. a is an admin: honoured.
      await store.appendMessages([
        message(convId, c, epochId, { countsAsUnread: false, redacts: m1.msgId }),
      ]);
      expect(await unreadOf(convId, a)).toBe(2);
      await store.appendMessages([
        message(convId, a, epochId, { countsAsUnread: false, redacts: m1.msgId }),
      ]);
      await store.appendMessages([
        message(convId, b, epochId, { countsAsUnread: false, redacts: m2.msgId }),
      ]);
      expect(await store.markRead(convId, c, 0)).toMatchObject({ unread: 0 });
    });

    it('drops the cursors of a departed member and restarts them when re-added', async () => {
      const { convId, epochId } = await group();
      await store.appendMessages([message(convId, a, epochId)]);
      const remove = entry(3, a, { op: 'remove', userId: c });
      await store.appendMemberEntry({ convId, expectedMemberSeq: 2, entry: remove, now: T0 });
      expect(await unreadOf(convId, c)).toBeUndefined();
      expect(await store.markRead(convId, c, 1)).toBeUndefined();
      const add = entry(4, a, { op: 'add', userId: c, identityKey: rand(32) });
      const added = await store.appendMemberEntry({
        convId,
        expectedMemberSeq: 3,
        entry: add,
        now: T0,
      });
      expect(added.status).toBe('appended');
      expect(await store.markRead(convId, c, 0)).toMatchObject({ readSeq: 7, unread: 0 });
    });

    it('keeps the count equal to a recount over random sends, deletions and reads', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.tuple(fc.constantFrom('send', 'edit', 'delete', 'read'), fc.nat(2), fc.nat(20)),
            { maxLength: 25 },
          ),
          async (actions) => {
            const { convId, epochId } = await group();
            const users = [a, b, c];
            const sent: { msgId: string; sender: string; seq: number }[] = [];
            const deleted = new Set<string>();
            const read = new Map(users.map((u, i) => [u, i + 1]));
            let head = 4;
            for (const [op, who, n] of actions) {
              const user = users[who] ?? a;
              if (op === 'read') {
                read.set(user, Math.max(read.get(user) ?? 0, Math.min(n, head)));
                await store.markRead(convId, user, n);
                continue;
              }
              const target = sent[n % Math.max(1, sent.length)];
              const m = message(convId, user, epochId, {
                countsAsUnread: op === 'send',
                ...(op === 'delete' && target ? { redacts: target.msgId } : {}),
              });
              const [r] = await store.appendMessages([m]);
              head = r?.status === 'stored' ? r.event.seq : head;
              read.set(user, head);
              if (op === 'send') sent.push({ msgId: m.msgId, sender: user, seq: head });
              if (op === 'delete' && target && (target.sender === user || user === a)) {
                deleted.add(target.msgId);
              }
            }
            for (const user of users) {
              const cursor = read.get(user) ?? 0;
              const expected = sent.filter(
                (m) => m.seq > cursor && m.sender !== user && !deleted.has(m.msgId),
              ).length;
              expect(await unreadOf(convId, user)).toBe(expected);
            }
          },
        ),
        { numRuns: 30 },
      );
    });
  });

  describe('realtime settings and contacts', () => {
    it('defaults, updates only what is named, and records last seen', async () => {
      const user = id();
      expect(await store.getRealtimeSettings(user)).toEqual({
        hidePresence: false,
        readReceipts: true,
        lastSeenAt: null,
      });
      await store.setLastSeen(user, T0);
      expect(await store.updateRealtimeSettings(user, { readReceipts: false })).toEqual({
        hidePresence: false,
        readReceipts: false,
        lastSeenAt: T0,
      });
      expect(await store.updateRealtimeSettings(user, { hidePresence: true })).toMatchObject({
        hidePresence: true,
        readReceipts: false,
      });
    });

    it('lists everyone sharing a conversation, once, never the user', async () => {
      await group();
      await group();
      expect((await store.listContacts(a)).sort()).toEqual([b, c].sort());
      expect(await store.listContacts(id())).toEqual([]);
    });
  });
}
