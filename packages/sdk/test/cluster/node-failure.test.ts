/**
 * DESIGN §4/§9 under a node failure: two nodes behind a TCP load balancer (the SDK takes one
 * `serverUrl`, so clients reach the cluster through one address, as behind nginx). Alice's
 * traffic goes to node A while it lives; node A is killed with SIGKILL while she sends. Her
 * client reconnects through the balancer to node B and resends what was not acknowledged:
 * every message is stored once, `seq` has no gaps, and Bob (on node B) sees them all.
 */
import type { ChatClient } from '../../src/client.js';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { registerUser } from '../conversation-helpers.js';
import type { RunningServer } from '../test-server.js';
import { everySent, expectStoredOnce, externalServer, sendUnderLoad } from '../outage-load.js';
import type { StoredEvent } from '../outage-load.js';
import { clusterServices, startNode } from '../../../server/test/cluster/cluster-nodes.js';
import type { ClusterNode } from '../../../server/test/cluster/cluster-nodes.js';
import { startTcpProxy } from '../../../server/test/cluster/tcp-proxy.js';
import type { TcpProxy } from '../../../server/test/cluster/tcp-proxy.js';

const MESSAGES = 60;
const KILL_AFTER = 15;

const services = await clusterServices('node_failure');
const clients: ChatClient[] = [];
const nodes: ClusterNode[] = [];
const proxies: TcpProxy[] = [];

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(proxies.map((p) => p.close()));
  await Promise.all(nodes.map((n) => n.kill()));
  await services?.cleanup();
});

const via = (proxy: TcpProxy): RunningServer => externalServer(`http://127.0.0.1:${proxy.port}`);

it.skipIf(!services)(
  'a node killed under load: its clients move to another node and nothing acknowledged is lost',
  async () => {
    const svc = services!;
    const a = await startNode(svc);
    const b = await startNode(svc);
    nodes.push(a, b);
    // Alice: A first, B when A is gone. Bob: B only.
    const aliceLb = await startTcpProxy([a.port, b.port], 'failover');
    const bobLb = await startTcpProxy([b.port], 'failover');
    proxies.push(aliceLb, bobLb);
    const options = { reconnect: { baseMs: 50, maxMs: 500 } };
    const alice = await registerUser(via(aliceLb), 'alice', options);
    const bob = await registerUser(via(bobLb), 'bob', options);
    clients.push(alice.client, bob.client);
    const group = await alice.client.conversations.create({ title: 'Failover', members: [bob.id] });
    const bobView = await bob.client.conversations.get(group.id);

    const { sends, acked } = await sendUnderLoad(group, MESSAGES, KILL_AFTER);
    await a.kill();
    const ackedBeforeKill = acked();

    await everySent(group, MESSAGES, 'every message acknowledged after the failover');
    await Promise.all(sends);
    await everySent(bobView, MESSAGES, 'bob to have every message');

    const db = new pg.Client({ connectionString: svc.databaseUrl });
    await db.connect();
    const { rows } = await db
      .query<StoredEvent>(
        `SELECT seq, kind, msg_id FROM ${svc.schema}.events WHERE conv_id = $1 ORDER BY seq`,
        [group.id],
      )
      .finally(() => db.end());
    expectStoredOnce(rows, MESSAGES);
    expect(ackedBeforeKill).toBeLessThan(MESSAGES);
    const texts = (c: typeof group) =>
      c.messages.filter((m) => m.status === 'sent').map((m) => [m.seq, m.text]);
    expect(texts(bobView)).toEqual(texts(group));
    expect(
      alice.errors.filter((e) => e.code !== 'network_error' && e.code !== 'unavailable'),
    ).toEqual([]);
  },
  90_000,
);
