/**
 * The PostgreSQL store's invariants with several writers at once, as several nodes would be:
 * two stores (two connection pools) on one schema write into the same conversations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { epoch, group, message } from '../conversation-contract.js';
import { createPostgresStore } from './postgres-store.js';
import type { PostgresStore } from './postgres-store.js';
import { dropSchema, testDatabaseUrl, uniqueSchema } from './test-database.js';

const url = await testDatabaseUrl('PostgreSQL concurrent-writer tests');

describe.skipIf(!url)('PostgreSQL store with writers on two nodes', () => {
  const schema = uniqueSchema('concurrent');
  let nodeA: PostgresStore;
  let nodeB: PostgresStore;
  beforeAll(async () => {
    nodeA = await createPostgresStore({ connectionString: url!, schema, poolSize: 6 });
    nodeB = await createPostgresStore({ connectionString: url!, schema, poolSize: 6 });
  });
  afterAll(async () => {
    await nodeA?.close();
    await nodeB?.close();
    await dropSchema(url!, schema);
  });

  async function conversation(alice: string, bob: string) {
    const conv = group(alice, bob);
    await nodeA.createConversation(conv);
    const e = epoch(conv.id, alice, { expectedMemberSeq: 1 });
    expect((await nodeA.appendEpoch(e)).status).toBe('appended');
    return { convId: conv.id, epochId: e.epochId };
  }

  it('gives concurrent batches from both nodes contiguous seqs with no duplicates', async () => {
    const [alice, bob] = ['alice-cw', 'bob-cw'];
    const { convId, epochId } = await conversation(alice, bob);
    const batches = Array.from({ length: 24 }, (_, b) =>
      Array.from({ length: 5 }, (_, i) => message(convId, b % 2 ? alice : bob, epochId, b * 5 + i)),
    );
    const results = await Promise.all(
      batches.map((batch, b) => (b % 2 ? nodeA : nodeB).appendMessages(batch)),
    );
    const seqs = results.flat().map((r) => (r.status === 'stored' ? r.event.seq : -1));
    expect(seqs.every((s) => s > 0)).toBe(true);
    const page = await nodeB.listEvents(convId, { after: 0, limit: 500 });
    expect(page.events.map((e) => e.seq)).toEqual(page.events.map((_, i) => i + 1));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(page.events.filter((e) => e.kind === 'message')).toHaveLength(120);
  });

  it('stores a (sender, clientMsgId) sent to both nodes at once exactly once', async () => {
    const [alice, bob] = ['alice-dup', 'bob-dup'];
    const { convId, epochId } = await conversation(alice, bob);
    for (let n = 0; n < 10; n++) {
      const m = message(convId, alice, epochId, n);
      const [ra, rb] = await Promise.all([nodeA.appendMessages([m]), nodeB.appendMessages([m])]);
      const statuses = [ra[0]!.status, rb[0]!.status].sort();
      expect(statuses).toEqual(['duplicate', 'stored']);
      const seqOf = (r: (typeof ra)[number]) =>
        r.status === 'stored' ? r.event.seq : r.status === 'duplicate' ? r.seq : -1;
      expect(seqOf(ra[0]!)).toBe(seqOf(rb[0]!));
    }
  });

  it('refuses a clientMsgId raced into two conversations on two nodes, storing one', async () => {
    const [alice, bob] = ['alice-race', 'bob-race'];
    const one = await conversation(alice, bob);
    const two = await conversation(alice, bob);
    for (let n = 0; n < 10; n++) {
      const m1 = message(one.convId, alice, one.epochId, n);
      const m2 = { ...message(two.convId, alice, two.epochId, n), clientMsgId: m1.clientMsgId };
      const [ra, rb] = await Promise.all([nodeA.appendMessages([m1]), nodeB.appendMessages([m2])]);
      const outcomes = [ra[0]!, rb[0]!].map((r) => (r.status === 'rejected' ? r.reason : r.status));
      expect(outcomes.sort()).toEqual(['client_msg_id_reused', 'stored']);
    }
  });

  it('never stores a message on a stale epoch while a removal commits on the other node', async () => {
    const [alice, bob] = ['alice-rm', 'bob-rm'];
    const conv = group(alice, bob);
    await nodeA.createConversation(conv);
    const e = epoch(conv.id, alice, { expectedMemberSeq: 1 });
    await nodeA.appendEpoch(e);
    const removal = nodeA.appendMemberEntry({
      convId: conv.id,
      expectedMemberSeq: 1,
      entry: {
        memberSeq: 2,
        sender: alice,
        data: '{"op":"remove"}',
        sig: new Uint8Array(64),
        change: { op: 'remove', userId: bob },
      },
      now: Date.now(),
    });
    const sends = Array.from({ length: 10 }, (_, n) =>
      nodeB.appendMessages([message(conv.id, alice, e.epochId, n)]),
    );
    const [removed, ...results] = await Promise.all([removal, ...sends]);
    expect(removed.status).toBe('appended');
    const removalSeq = removed.status === 'appended' ? removed.event.seq : 0;
    for (const [r] of results) {
      // Either stored before the removal, or refused after it: never after it on the old epoch.
      if (r!.status === 'stored') expect(r!.event.seq).toBeLessThan(removalSeq);
      else expect(r).toEqual({ status: 'rejected', reason: 'stale_epoch' });
    }
  });
});
