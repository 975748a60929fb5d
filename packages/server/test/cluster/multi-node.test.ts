/**
 * DESIGN §9: three server processes sharing PostgreSQL and Redis. Clients on different nodes
 * see one conversation log in one order; membership changes, logouts and rate limits made on
 * one node hold on the others at once; concurrent writers on two nodes get contiguous `seq`s.
 */
import type { LogEvent } from '@parley/sdk/protocol';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  b64u,
  callOk,
  changeMembers,
  connect,
  connected,
  createGroup,
  newUser,
  send,
  sleep,
  startEpoch,
  until,
} from '../../src/conversations/test-fixtures.js';
import type { ChatSocket, ChatUser } from '../../src/conversations/test-fixtures.js';
import { newAccount } from '../wire-builders.js';
import { clusterServices } from './cluster-nodes.js';
import type { ClusterNode } from './cluster-nodes.js';
import { useClusterNodes } from './use-cluster-nodes.js';

const services = await clusterServices('multi_node');

describe.skipIf(!services)('three nodes sharing PostgreSQL and Redis', () => {
  const svc = services!;
  const { nodes, sockets } = useClusterNodes(services, 3);
  let a: ClusterNode;
  let b: ClusterNode;
  let c: ClusterNode;

  beforeAll(() => {
    [a, b, c] = nodes as [ClusterNode, ClusterNode, ClusterNode];
  });

  function on(node: ClusterNode, user: ChatUser): Promise<ChatSocket> {
    const socket = connect(node.t, user);
    sockets.push(socket);
    return connected(socket);
  }

  function record(socket: ChatSocket, convId: string): LogEvent[] {
    const seen: LogEvent[] = [];
    socket.on('event', (e) => {
      if (e.conversationId === convId) seen.push(e);
    });
    socket.on('events', (es) => {
      for (const e of es) if (e.conversationId === convId) seen.push(e);
    });
    return seen;
  }

  it('members on three nodes receive every event of a group once, the same log by seq', async () => {
    const [alice, bob, carol] = [await newUser(a.t), await newUser(b.t), await newUser(c.t)];
    const conv = await createGroup(a.t, alice, [bob, carol]);
    await startEpoch(a.t, alice, conv, [alice, bob, carol]);
    const [sa, sb, sc] = [await on(a, alice), await on(b, bob), await on(c, carol)];
    const views = [record(sa, conv.id), record(sb, conv.id), record(sc, conv.id)];

    const acks = await Promise.all(
      Array.from({ length: 30 }, (_, i) => {
        const [socket, user] = [
          [sa, alice],
          [sb, bob],
          [sc, carol],
        ][i % 3] as [ChatSocket, ChatUser];
        return send(socket, conv, user);
      }),
    );
    expect(acks.every((ack) => ack.ok)).toBe(true);
    await until(() => views.every((v) => v.length === 30), 10_000);
    // Every member got every event once. Events stored on different nodes may arrive out of
    // seq order (each node broadcasts after its own commit); ordered by seq, which is what
    // clients do (docs/protocol.md), the three views are the same contiguous log.
    const ordered = views.map((v) =>
      v.map((e) => `${e.seq}:${e.kind === 'message' ? e.id : ''}`).sort(),
    );
    expect(ordered[1]).toEqual(ordered[0]);
    expect(ordered[2]).toEqual(ordered[0]);
    const seqs = views[0]!.map((e) => e.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => seqs[0]! + i));
    // Each node's own events, and each sender's, do arrive in seq order.
    for (const view of views) {
      for (const sender of [alice.id, bob.id, carol.id]) {
        const mine = view.filter((e) => e.kind === 'message' && e.sender === sender);
        const order = mine.map((e) => e.seq);
        expect(order).toEqual([...order].sort((x, y) => x - y));
      }
    }
  });

  it('a removal on node A stops delivery to the removed member on node B at once', async () => {
    const [alice, bob, carol] = [await newUser(a.t), await newUser(a.t), await newUser(b.t)];
    const conv = await createGroup(a.t, alice, [bob, carol]);
    await startEpoch(a.t, alice, conv, [alice, bob, carol]);
    const sa = await on(a, alice);
    const sc = await on(b, carol);
    const sbob = await on(c, bob);
    const carolSees = record(sc, conv.id);
    const bobSees = record(sbob, conv.id);

    await changeMembers(a.t, alice, conv, 'remove', carol);
    await startEpoch(a.t, alice, conv, [alice, bob]);
    // The very next message, sent the moment the removal is committed, must not reach carol.
    const ack = await send(sa, conv, alice);
    expect(ack.ok).toBe(true);
    await until(() => bobSees.some((e) => e.kind === 'message'), 5000);
    await sleep(300);
    expect(carolSees.some((e) => e.kind === 'message')).toBe(false);
    // She did get the entry that removed her, and nothing after it.
    const removal = carolSees.find((e) => e.kind === 'member');
    expect(removal).toBeDefined();
    expect(Math.max(...carolSees.map((e) => e.seq))).toBe(removal!.seq);
  });

  it('a member added on node A receives on node C without reconnecting', async () => {
    const [alice, dave] = [await newUser(a.t), await newUser(c.t)];
    const conv = await createGroup(a.t, alice, []);
    const sd = await on(c, dave);
    const daveSees = record(sd, conv.id);
    await changeMembers(a.t, alice, conv, 'add', dave);
    await startEpoch(a.t, alice, conv, [alice, dave]);
    const sa = await on(a, alice);
    expect((await send(sa, conv, alice)).ok).toBe(true);
    await until(() => daveSees.some((e) => e.kind === 'message'), 5000);
  });

  it('a logout on node A closes that session’s sockets on nodes B and C', async () => {
    const alice = await newUser(a.t);
    const onB = await on(b, alice);
    const onC = await on(c, alice);
    const ended: string[] = [];
    for (const s of [onB, onC]) s.on('session:ended', (info) => ended.push(info.reason));
    const res = await a.t.fetch('/api/v1/auth/logout', {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}` },
    });
    expect(res.status).toBe(204);
    await until(() => !onB.connected && !onC.connected, 3000);
    expect(ended).toEqual(['session_revoked', 'session_revoked']);
  });

  it('rate limits count across nodes (registering one name, round robin over the nodes)', async () => {
    // registerUser allows 5 attempts per username and hour; each node alone would allow 5.
    const name = `rl${b64u(4)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, 'x')}`;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const node = nodes[i % 3]!;
      const res = await node.t.post('/api/v1/auth/register', newAccount(name).request);
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 5)).toEqual([201, 409, 409, 409, 409]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });

  it('concurrent senders on two nodes into one conversation get contiguous seqs, no duplicates', async () => {
    const [alice, bob] = [await newUser(a.t), await newUser(b.t)];
    const conv = await createGroup(a.t, alice, [bob]);
    await startEpoch(a.t, alice, conv, [alice, bob]);
    const sa = await on(a, alice);
    const sb = await on(b, bob);
    // Each sender also retries some of its own sends on the other node (same clientMsgId).
    const ids = Array.from({ length: 80 }, () => b64u(12));
    const sb2 = await on(c, alice);
    const acks = await Promise.all(
      ids.flatMap((id, i) => {
        const mine = i % 2 === 0 ? ([sa, alice] as const) : ([sb, bob] as const);
        const sends = [send(mine[0], conv, mine[1], id)];
        if (i % 8 === 0 && mine[1] === alice) sends.push(send(sb2, conv, alice, id));
        return sends;
      }),
    );
    expect(acks.every((ack) => ack.ok)).toBe(true);
    const client = new pg.Client({ connectionString: svc.databaseUrl });
    await client.connect();
    try {
      await client.query(`SET search_path TO ${svc.schema}`);
      const { rows } = await client.query<{ seq: number; client_msg_id: string | null }>(
        'SELECT seq, client_msg_id FROM events WHERE conv_id = $1 ORDER BY seq',
        [conv.id],
      );
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
      const stored = rows.flatMap((r) => (r.client_msg_id ? [r.client_msg_id] : []));
      expect(stored).toHaveLength(ids.length);
      expect(new Set(stored)).toEqual(new Set(ids));
    } finally {
      await client.end();
    }
    const history = await callOk<{ events: LogEvent[] }>(
      a.t,
      alice,
      `/conversations/${conv.id}/events?after=0&limit=200`,
    );
    expect(history.events.length).toBeGreaterThan(ids.length);
  });
});
