/**
 * DESIGN §9 during a Redis outage: two nodes reach Redis through a TCP link the test can cut
 * (the machine's Redis itself keeps running for everyone else). Alice (node A) sends while the
 * link is down for a few seconds: every message is still stored and acknowledged (PostgreSQL
 * is the source of truth), and once Redis is back every client converges to the full log:
 * the adapter delivers what it queued, and anything it dropped is filled from the log by `seq`.
 */
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import type { ChatClient } from '../../src/client.js';
import { eventually, registerUser } from '../conversation-helpers.js';
import type { RunningServer } from '../test-server.js';
import { clusterServices, startNode } from '../../../server/test/cluster/cluster-nodes.js';
import type { ClusterNode } from '../../../server/test/cluster/cluster-nodes.js';
import { startTcpProxy } from '../../../server/test/cluster/tcp-proxy.js';
import type { TcpProxy } from '../../../server/test/cluster/tcp-proxy.js';

const BEFORE = 10;
const DURING = 20;
const AFTER = 5;
const TOTAL = BEFORE + DURING + AFTER;
const OUTAGE_MS = 3000;

const services = await clusterServices('redis_outage');
const clients: ChatClient[] = [];
const nodes: ClusterNode[] = [];
let link: TcpProxy | undefined;

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(nodes.map((n) => n.kill()));
  await link?.close();
  await services?.cleanup();
});

const direct = (node: ClusterNode): RunningServer => ({
  url: node.url,
  advanceClock: () => undefined,
  close: async () => undefined,
});

const sent = (c: { messages: readonly { status: string }[] }) =>
  c.messages.filter((m) => m.status === 'sent').length;

it.skipIf(!services)(
  'Redis down for a few seconds under load: messages are stored, and every client converges after',
  async () => {
    const svc = services!;
    link = await startTcpProxy([Number(new URL(svc.redisUrl).port || 6379)]);
    const redisUrl = `redis://127.0.0.1:${link.port}`;
    const a = await startNode(svc, { redisUrl });
    const b = await startNode(svc, { redisUrl });
    nodes.push(a, b);
    const options = { reconnect: { baseMs: 50, maxMs: 500 } };
    const alice = await registerUser(direct(a), 'alice', options);
    const bob = await registerUser(direct(b), 'bob', options);
    const carol = await registerUser(direct(a), 'carol', options);
    clients.push(alice.client, bob.client, carol.client);
    const group = await alice.client.conversations.create({
      title: 'Outage',
      members: [bob.id, carol.id],
    });
    const views = [
      await bob.client.conversations.get(group.id),
      await carol.client.conversations.get(group.id),
    ];

    const sendAll = async (from: number, count: number) => {
      const acks = await Promise.all(
        Array.from({ length: count }, (_, i) => group.send(`m${from + i}`)),
      );
      return acks.length;
    };
    await sendAll(0, BEFORE);
    await eventually(() => views.every((v) => sent(v) === BEFORE), 'delivery before the outage');

    link.cut();
    const during = sendAll(BEFORE, DURING);
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    // Stored and acknowledged while Redis was away...
    expect(await during).toBe(DURING);
    // ...but not fanned out to the other node: the outage is real.
    expect(sent(views[0]!)).toBe(BEFORE);
    link.restore();

    await sendAll(BEFORE + DURING, AFTER);
    await eventually(
      () => views.every((v) => sent(v) === TOTAL),
      'every client to converge to the full log',
      30_000,
    );
    const order = (v: (typeof views)[number]) =>
      v.messages.filter((m) => m.status === 'sent').map((m) => `${m.seq}:${m.text}`);
    expect(order(views[0]!)).toEqual(order(views[1]!));
    expect(order(views[0]!)).toEqual(
      group.messages.filter((m) => m.status === 'sent').map((m) => `${m.seq}:${m.text}`),
    );

    const db = new pg.Client({ connectionString: svc.databaseUrl });
    await db.connect();
    const { rows } = await db
      .query<{ seq: number; kind: string }>(
        `SELECT seq, kind FROM ${svc.schema}.events WHERE conv_id = $1 ORDER BY seq`,
        [group.id],
      )
      .finally(() => db.end());
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(rows.filter((r) => r.kind === 'message')).toHaveLength(TOTAL);
  },
  90_000,
);
