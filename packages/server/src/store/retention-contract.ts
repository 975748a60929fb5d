import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { epoch, group, message } from './conversation-contract.js';
import type { Store } from './store.js';

const T0 = 1_700_000_000_000;
const id = (): string => randomBytes(16).toString('base64url');

/**
 * The retention part of the store contract (see `runStoreContract` and {@link RetentionStore}):
 * only messages older than the cutoff go, each log is cut as a prefix, membership entries and
 * epochs stay, the complete part of the log is reported, and unread counts stay exact.
 */
export function retentionContract(getStore: () => Store): void {
  let store: Store;
  const a = id();
  const b = id();
  beforeEach(() => {
    store = getStore();
  });

  /** A group of a and b (events 1, 2), an epoch (3) and messages stored at the given times. */
  async function withMessages(times: number[]): Promise<string> {
    const conv = group(a, b);
    await store.createConversation(conv);
    const e = epoch(conv.id, a);
    expect((await store.appendEpoch(e)).status).toBe('appended');
    for (const [n, at] of times.entries()) {
      await store.appendMessages([
        { ...message(conv.id, a, e.epochId, n), now: T0 + at, countsAsUnread: true },
      ]);
    }
    return conv.id;
  }

  const seqs = async (convId: string) =>
    (await store.listEvents(convId, { after: 0, limit: 100 })).events.map((e) => e.seq);

  describe('retention', () => {
    it('deletes only messages stored before the cutoff, keeping entries and epochs', async () => {
      const convId = await withMessages([100, 101, 102, 103, 104]);
      expect(await store.expireMessages(T0 + 103, 100)).toBe(3);
      expect(await seqs(convId)).toEqual([1, 2, 3, 7, 8]);
      expect(await store.getHistoryStart(convId)).toBe(7);
      expect(await store.expireMessages(T0 + 103, 100)).toBe(0);
      const [kept] = (await store.listEvents(convId, { after: 6, limit: 1 })).events;
      expect(kept).toMatchObject({ seq: 7, kind: 'message', data: '{"n":3}' });
    });

    it('cuts each log as a prefix: an old message after a fresh event is kept', async () => {
      // The clock stepped back between the second and the third message.
      const convId = await withMessages([100, 200, 150]);
      expect(await store.expireMessages(T0 + 180, 100)).toBe(1);
      expect(await seqs(convId)).toEqual([1, 2, 3, 5, 6]);
      expect(await store.getHistoryStart(convId)).toBe(5);
    });

    it('deletes at most maxRows per call and finishes when called again', async () => {
      await withMessages([100, 101, 102, 103, 104, 105, 106]);
      const counts = [];
      for (let i = 0; i < 4; i++) counts.push(await store.expireMessages(T0 + 1000, 3));
      expect(counts).toEqual([3, 3, 1, 0]);
    });

    it('reports lastSeq + 1 when every message expired, undefined for an unknown conversation', async () => {
      const convId = await withMessages([100, 101]);
      expect(await store.getHistoryStart(convId)).toBe(4);
      await store.expireMessages(T0 + 1000, 100);
      expect(await seqs(convId)).toEqual([1, 2, 3]);
      expect(await store.getHistoryStart(convId)).toBe(6);
      expect(await store.getHistoryStart(id())).toBeUndefined();
    });

    it('stops counting deleted messages as unread', async () => {
      const convId = await withMessages([100, 101, 102, 103, 104]);
      const unread = async () =>
        (await store.listUnread(b)).find((s) => s.convId === convId)?.unread;
      expect(await unread()).toBe(5);
      await store.expireMessages(T0 + 103, 100);
      expect(await unread()).toBe(2);
      const cursor = (await store.listConversationCursors(convId)).find((s) => s.userId === b);
      expect(cursor).toMatchObject({ readSeq: 6, deliveredSeq: 6 });
    });

    it('reports the size of the database, growing as it fills', async () => {
      const before = await store.databaseSize();
      expect(before).toBeGreaterThan(0);
      await withMessages(Array.from({ length: 50 }, (_, i) => i));
      expect(await store.databaseSize()).toBeGreaterThan(before);
    });
  });
}
