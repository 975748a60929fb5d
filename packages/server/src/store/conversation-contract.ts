import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { directPairKey } from './conversation-store.js';
import type {
  MemberChange,
  NewConversation,
  NewEpoch,
  NewMemberEntry,
  NewMessage,
} from './conversation-store.js';
import { isStoreConflict } from './store-errors.js';
import type { NewUser, Store } from './store.js';

const T0 = 1_700_000_000_000;
const rand = (n: number): Uint8Array => Uint8Array.from(randomBytes(n));
const id = (): string => randomBytes(16).toString('base64url');

function user(username: string): NewUser {
  return {
    id: id(),
    username,
    displayName: username,
    kdf: { alg: 'argon2id', m: 65_536, t: 3, p: 1, salt: id() },
    authHash: `$argon2id$v=19$m=19456,t=2,p=1$${id()}$${id()}`,
    wrappedAccountKey: rand(60),
    encBundle: rand(64),
    identityKey: rand(32),
    createdAt: T0,
    firstKaKey: { kaId: rand(16), pub: rand(32), notBefore: T0, notAfter: T0 + 1, sig: rand(64) },
  };
}

function entry(memberSeq: number, sender: string, change: MemberChange): NewMemberEntry {
  return {
    memberSeq,
    sender,
    data: JSON.stringify({ seq: memberSeq, op: change.op, target: change.userId }),
    sig: rand(64),
    change,
  };
}

/** A group of `alice` (admin) and `bob`, as the API would store it. */
export function group(alice: string, bob: string): NewConversation {
  return {
    id: id(),
    kind: 'group',
    title: 'Team',
    directPair: null,
    createdBy: alice,
    now: T0,
    entries: [
      entry(0, alice, { op: 'create', userId: alice, identityKey: rand(32) }),
      entry(1, alice, { op: 'add', userId: bob, identityKey: rand(32) }),
    ],
  };
}

/** A first epoch of `convId` by `creator`, with no envelopes. */
export function epoch(convId: string, creator: string, over: Partial<NewEpoch> = {}): NewEpoch {
  return {
    convId,
    epochId: id(),
    prevEpochId: null,
    expectedMemberSeq: 1,
    creator,
    data: '{"record":true}',
    sig: rand(64),
    envelopes: [],
    now: T0 + 10,
    ...over,
  };
}

/** A message numbered `n` (its data is `{"n":n}`), stored at `T0 + 100 + n`. */
export function message(convId: string, sender: string, epochId: string, n = 0): NewMessage {
  return {
    convId,
    sender,
    clientMsgId: `c-${id()}`,
    msgId: id(),
    epochId,
    data: `{"n":${n}}`,
    box: rand(40),
    sig: rand(64),
    now: T0 + 100 + n,
  };
}

/**
 * The conversation half of the store contract (see `runStoreContract`): the event log's
 * invariants (contiguous `seq`, idempotent sends, membership and epoch gates, compare-and-set)
 * that every implementation must keep.
 */
export function conversationContract(getStore: () => Store): void {
  let store: Store;
  const a = id();
  const b = id();
  const c = id();
  beforeEach(() => {
    store = getStore();
  });

  async function withEpoch(): Promise<{ convId: string; epochId: string }> {
    const conv = group(a, b);
    await store.createConversation(conv);
    const e = epoch(conv.id, a);
    expect((await store.appendEpoch(e)).status).toBe('appended');
    return { convId: conv.id, epochId: e.epochId };
  }

  describe('directory search', () => {
    it('finds users by username prefix, alphabetically, up to the limit', async () => {
      for (const name of ['carol', 'carl', 'car_x', 'cab', 'dave'])
        await store.createUser(user(name));
      const names = async (prefix: string, limit = 10) =>
        (await store.searchUsers(prefix, limit)).map((u) => u.username);
      expect(await names('car')).toEqual(['car_x', 'carl', 'carol']);
      expect(await names('car', 2)).toEqual(['car_x', 'carl']);
      // "_" is an ordinary character, not a wildcard.
      expect(await names('ca_')).toEqual([]);
      expect(await names('zz')).toEqual([]);
    });
  });

  describe('conversations', () => {
    it('creates a conversation whose entries are the first events of its log', async () => {
      const conv = group(a, b);
      const events = await store.createConversation(conv);
      expect(events.map((e) => [e.seq, e.kind, e.sender])).toEqual([
        [1, 'member', a],
        [2, 'member', a],
      ]);
      const found = await store.findConversation(conv.id);
      expect(found).toMatchObject({ kind: 'group', title: 'Team', lastSeq: 2, memberSeq: 1 });
      expect(found?.lastDepartureSeq).toBe(-1);
      expect(found?.currentEpochId).toBeNull();
      const members = found?.members.map((m) => [m.userId, m.admin]);
      expect(members).toEqual(
        expect.arrayContaining([
          [a, true],
          [b, false],
        ]),
      );
      expect((await store.listConversations(b)).map((x) => x.id)).toContain(conv.id);
      expect(await store.listConversationHeads(b)).toEqual([{ id: conv.id, lastSeq: 2 }]);
      expect(await store.listConversationHeads(c)).toEqual([]);
    });

    it('refuses a taken conversation id and a second direct conversation of a pair', async () => {
      const conv = group(a, b);
      await store.createConversation(conv);
      const again = await store.createConversation({ ...group(a, c), id: conv.id }).catch((e) => e);
      expect(isStoreConflict(again) && again.constraint).toBe('conversation_id');

      const pair = directPairKey(a, b);
      const direct = { ...group(a, b), kind: 'direct' as const, title: null, directPair: pair };
      await store.createConversation(direct);
      const second = { ...group(b, a), kind: 'direct' as const, title: null, directPair: pair };
      const error = await store.createConversation(second).catch((e: unknown) => e);
      expect(isStoreConflict(error) && error.constraint).toBe('direct_pair');
      expect(await store.findConversation(second.id)).toBeUndefined();
      expect((await store.findDirectConversation(pair))?.id).toBe(direct.id);
    });

    it('appends membership entries by compare-and-set on the log head', async () => {
      const conv = group(a, b);
      await store.createConversation(conv);
      const add = entry(2, a, { op: 'add', userId: c, identityKey: rand(32) });
      const stale = await store.appendMemberEntry({
        convId: conv.id,
        expectedMemberSeq: 0,
        entry: add,
        now: T0,
      });
      expect(stale).toEqual({ status: 'conflict', memberSeq: 1 });
      const ok = await store.appendMemberEntry({
        convId: conv.id,
        expectedMemberSeq: 1,
        entry: add,
        now: T0,
      });
      expect(ok.status === 'appended' && ok.event.seq).toBe(3);
      const lost = await store.appendMemberEntry({
        convId: conv.id,
        expectedMemberSeq: 1,
        entry: add,
        now: T0,
      });
      expect(lost).toEqual({ status: 'conflict', memberSeq: 2 });
      const promote = entry(3, a, { op: 'promote', userId: c });
      await store.appendMemberEntry({
        convId: conv.id,
        expectedMemberSeq: 2,
        entry: promote,
        now: T0,
      });
      const remove = entry(4, a, { op: 'remove', userId: b });
      await store.appendMemberEntry({
        convId: conv.id,
        expectedMemberSeq: 3,
        entry: remove,
        now: T0,
      });
      const found = await store.findConversation(conv.id);
      expect(found?.members.map((m) => [m.userId, m.admin]).sort()).toEqual(
        [
          [a, true],
          [c, true],
        ].sort(),
      );
      expect(found).toMatchObject({ memberSeq: 4, lastDepartureSeq: 4, lastSeq: 5 });
      expect(await store.listConversationHeads(b)).toEqual([]);
      const missing = await store.appendMemberEntry({
        convId: id(),
        expectedMemberSeq: 0,
        entry: add,
        now: T0,
      });
      expect(missing.status).toBe('not_found');
    });

    it('pages membership entries by their entry seq', async () => {
      const conv = group(a, b);
      await store.createConversation(conv);
      const all = await store.listMemberEntries(conv.id, -1, 10);
      expect(all.events.map((e) => e.seq)).toEqual([1, 2]);
      const page = await store.listMemberEntries(conv.id, -1, 1);
      expect(page.hasMore).toBe(true);
      expect((await store.listMemberEntries(conv.id, 0, 10)).events.map((e) => e.seq)).toEqual([2]);
    });
  });

  describe('epochs', () => {
    it('stores an epoch by compare-and-set on the current epoch and the membership head', async () => {
      const conv = group(a, b);
      await store.createConversation(conv);
      const first = epoch(conv.id, a, {
        envelopes: [a, b].map((recipient) => ({
          recipient,
          kaId: rand(16),
          enc: rand(32),
          ct: rand(48),
        })),
      });
      const stored = await store.appendEpoch(first);
      expect(stored.status === 'appended' && stored.event.seq).toBe(3);
      expect(await store.appendEpoch(epoch(conv.id, b))).toEqual({
        status: 'conflict',
        currentEpochId: first.epochId,
        memberSeq: 1,
      });
      const staleMembers = epoch(conv.id, b, { prevEpochId: first.epochId, expectedMemberSeq: 0 });
      expect((await store.appendEpoch(staleMembers)).status).toBe('conflict');
      const reused = epoch(conv.id, b, { prevEpochId: first.epochId, epochId: first.epochId });
      expect((await store.appendEpoch(reused)).status).toBe('conflict');
      const second = epoch(conv.id, b, { prevEpochId: first.epochId });
      expect((await store.appendEpoch(second)).status).toBe('appended');
      expect((await store.findConversation(conv.id))?.currentEpochId).toBe(second.epochId);
      const listed = await store.listEpochs(conv.id);
      expect(listed.map((e) => [e.epochId, e.seq, e.creator])).toEqual([
        [first.epochId, 3, a],
        [second.epochId, 4, b],
      ]);
    });

    it('lists only the envelopes sealed to the asking recipient', async () => {
      const conv = group(a, b);
      await store.createConversation(conv);
      const envelopes = [a, b].map((recipient) => ({
        recipient,
        kaId: rand(16),
        enc: rand(32),
        ct: rand(48),
      }));
      const e = epoch(conv.id, a, { envelopes });
      await store.appendEpoch(e);
      const mine = await store.listEnvelopes(conv.id, b);
      expect(mine).toEqual([{ epochId: e.epochId, ...envelopes[1] }]);
      expect(await store.listEnvelopes(conv.id, b, e.epochId)).toEqual(mine);
      expect(await store.listEnvelopes(conv.id, b, id())).toEqual([]);
      expect(await store.listEnvelopes(conv.id, c)).toEqual([]);
    });
  });

  describe('messages', () => {
    it('gives a batch contiguous seqs after the existing events and counts them per epoch', async () => {
      const { convId, epochId } = await withEpoch();
      const batch = [0, 1, 2, 3].map((n) => message(convId, n % 2 ? a : b, epochId, n));
      const results = await store.appendMessages(batch);
      expect(results.map((r) => r.status === 'stored' && r.event.seq)).toEqual([4, 5, 6, 7]);
      const conv = await store.findConversation(convId);
      expect(conv).toMatchObject({ lastSeq: 7, currentEpochMessages: 4 });
      expect((await store.listEpochs(convId))[0]?.messageCount).toBe(4);
    });

    it('stores a retried (sender, clientMsgId) once and answers with the original', async () => {
      const { convId, epochId } = await withEpoch();
      const first = message(convId, a, epochId);
      const retry = { ...message(convId, a, epochId), clientMsgId: first.clientMsgId };
      const [stored, sameBatch] = await store.appendMessages([first, retry]);
      const [later] = await store.appendMessages([retry]);
      expect(stored?.status).toBe('stored');
      const original = { status: 'duplicate', msgId: first.msgId, seq: 4, ts: first.now };
      expect(sameBatch).toEqual(original);
      expect(later).toEqual(original);
      expect((await store.findConversation(convId))?.lastSeq).toBe(4);
    });

    it('rejects non-members, unknown epochs, reused message ids and reused client ids', async () => {
      const { convId, epochId } = await withEpoch();
      const other = await withEpoch();
      const ok = message(convId, a, epochId);
      const results = await store.appendMessages([
        message(convId, c, epochId),
        message(convId, a, id()),
        message(convId, a, other.epochId),
        ok,
        { ...message(convId, b, epochId), msgId: ok.msgId },
        { ...message(other.convId, a, other.epochId), clientMsgId: ok.clientMsgId },
      ]);
      expect(results.map((r) => (r.status === 'rejected' ? r.reason : r.status))).toEqual([
        'not_member',
        'unknown_epoch',
        'unknown_epoch',
        'stored',
        'msg_id_taken',
        'client_msg_id_reused',
      ]);
      expect((await store.findConversation(convId))?.lastSeq).toBe(4);
    });

    it('refuses sends on an epoch older than the latest removal, and from the removed member', async () => {
      const { convId, epochId } = await withEpoch();
      const remove = entry(2, a, { op: 'remove', userId: b });
      await store.appendMemberEntry({ convId, expectedMemberSeq: 1, entry: remove, now: T0 });
      const [stale, removed] = await store.appendMessages([
        message(convId, a, epochId),
        message(convId, b, epochId),
      ]);
      expect(stale).toEqual({ status: 'rejected', reason: 'stale_epoch' });
      expect(removed).toEqual({ status: 'rejected', reason: 'not_member' });
      const next = epoch(convId, a, { prevEpochId: epochId, expectedMemberSeq: 2 });
      expect((await store.appendEpoch(next)).status).toBe('appended');
      const [fresh] = await store.appendMessages([message(convId, a, next.epochId)]);
      expect(fresh?.status).toBe('stored');
    });

    it('pages the log both ways with hasMore', async () => {
      const { convId, epochId } = await withEpoch();
      await store.appendMessages([...Array(7).keys()].map((n) => message(convId, a, epochId, n)));
      const seqs = async (range: Parameters<Store['listEvents']>[1]) => {
        const page = await store.listEvents(convId, range);
        return [page.events.map((e) => e.seq), page.hasMore];
      };
      expect(await seqs({ after: 0, limit: 4 })).toEqual([[1, 2, 3, 4], true]);
      expect(await seqs({ after: 8, limit: 4 })).toEqual([[9, 10], false]);
      expect(await seqs({ limit: 3 })).toEqual([[8, 9, 10], true]);
      expect(await seqs({ before: 3, limit: 5 })).toEqual([[1, 2], false]);
      expect(await seqs({ after: 2, before: 6, limit: 2 })).toEqual([[3, 4], true]);
      expect(await seqs({ after: 2, before: 6, limit: 3 })).toEqual([[3, 4, 5], false]);
      const [event] = (await store.listEvents(convId, { after: 3, limit: 1 })).events;
      expect(event).toMatchObject({ kind: 'message', sender: a, data: '{"n":0}' });
      expect(event?.box).toHaveLength(40);
    });
  });
}
