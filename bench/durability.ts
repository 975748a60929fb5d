/**
 * The durability run (DESIGN §4 "Delivery guarantees", perf.md §3.7): raw clients send under
 * open-loop load with client message ids; the server is killed with SIGKILL at a random moment
 * of each cycle and restarted on the same data folder; the clients reconnect and resend, with
 * the same ids, everything not yet acknowledged (as the SDK's outbox does). At the end the
 * SQLite database is read directly and compared with every acknowledgement received:
 *
 * - `ackedLost`: acknowledged sends whose `(conversation, seq)` row is missing or holds another
 *   message;
 * - `duplicates`: a message stored twice (same sender and client id, or same message id), or
 *   acknowledged twice with different `seq`s (a client would show it twice);
 * - `seqGaps`: holes in a conversation's `seq`; `neverAcked`: sends still unacknowledged after
 *   the final, unhurried restart.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sendPayload } from './load-step.js';
import { createGroups, loadServerOptions, registerUsers } from './parley-setup.js';
import type { BenchGroup, BenchUser } from './parley-setup.js';
import { connectMany } from './raw-client.js';
import type { RawClient } from './raw-client.js';
import { pinSelf, sleep, startBenchServer } from './util.js';
import type { BenchServer } from './util.js';

interface Attempt {
  group: BenchGroup;
  sender: BenchUser;
  clientMsgId: string;
  msgId: string;
  /** Every successful ack received for it (more than one after resends). */
  acks: Array<{ id: string; seq: number }>;
}

const GROUP_SIZE = 10;

function send(client: RawClient | undefined, a: Attempt): void {
  client?.emitJson('send', sendPayload(a.group, a.sender.id, a.msgId, a.clientMsgId), (reply) => {
    if (!reply.startsWith('[{"ok":true')) return;
    const [ack] = JSON.parse(reply) as [{ id: string; seq: number }];
    a.acks.push({ id: ack.id, seq: ack.seq });
  });
}

async function connectAll(
  server: BenchServer,
  users: BenchUser[],
): Promise<Map<string, RawClient>> {
  const { clients } = await connectMany(users.length, 40, (i) => ({
    url: server.url,
    auth: { token: users[i]!.token },
  }));
  return new Map(users.map((u, i) => [u.id, clients[i] as RawClient]));
}

function check(dataDir: string, attempts: Attempt[]) {
  const db = new Database(join(dataDir, 'parley.db'), { readonly: true, fileMustExist: true });
  try {
    let ackedLost = 0;
    let ackMismatch = 0;
    const row = db.prepare(
      'SELECT msg_id, client_msg_id, sender FROM events WHERE conv_id = ? AND seq = ?',
    );
    for (const a of attempts) {
      if (a.acks.length === 0) continue;
      if (new Set(a.acks.map((k) => k.seq)).size > 1) ackMismatch++;
      const stored = row.get(a.group.id, a.acks[0]!.seq) as
        { msg_id: string; client_msg_id: string; sender: string } | undefined;
      if (
        stored?.msg_id !== a.msgId ||
        stored.client_msg_id !== a.clientMsgId ||
        stored.sender !== a.sender.id
      )
        ackedLost++;
    }
    const dupClient = db
      .prepare(
        `SELECT COUNT(*) AS n FROM (SELECT 1 FROM events WHERE client_msg_id IS NOT NULL
        GROUP BY sender, client_msg_id HAVING COUNT(*) > 1)`,
      )
      .get() as { n: number };
    const dupMsg = db
      .prepare(
        `SELECT COUNT(*) AS n FROM (SELECT 1 FROM events WHERE msg_id IS NOT NULL
        GROUP BY conv_id, msg_id HAVING COUNT(*) > 1)`,
      )
      .get() as { n: number };
    const seqs = db
      .prepare('SELECT conv_id, COUNT(*) AS n, MAX(seq) AS top FROM events GROUP BY conv_id')
      .all() as { n: number; top: number }[];
    const stored = db.prepare("SELECT COUNT(*) AS n FROM events WHERE kind = 'message'").get() as {
      n: number;
    };
    return {
      ackedLost,
      duplicates: dupClient.n + dupMsg.n + ackMismatch,
      seqGaps: seqs.reduce((sum, s) => sum + (s.top - s.n), 0),
      storedMessages: stored.n,
    };
  } finally {
    db.close();
  }
}

/** Runs the kill -9 cycles; returns the `durability` figures. */
export async function runDurabilityBench(opts: {
  quick: boolean;
  log: (line: string) => void;
}): Promise<Record<string, number>> {
  opts.log(pinSelf());
  const cycles = opts.quick ? 2 : 20;
  const rate = opts.quick ? 500 : 1000;
  const dataDir = `/tmp/parley-bench-durability-${process.pid}`;
  const options = loadServerOptions(dataDir);
  const attempts: Attempt[] = [];
  let server = await startBenchServer(options);
  try {
    const users = await registerUsers(server.url, (opts.quick ? 2 : 4) * GROUP_SIZE);
    const groups = await createGroups(server.url, users, GROUP_SIZE);
    let killedAfterAcks = 0;
    for (let cycle = 0; cycle <= cycles; cycle++) {
      if (cycle > 0) server = await startBenchServer(options);
      const clients = await connectAll(server, users);
      // The outbox first: everything sent before and not acknowledged, with the same ids.
      const outbox = attempts.filter((a) => a.acks.length === 0);
      for (const a of outbox) send(clients.get(a.sender.id), a);
      if (cycle === cycles) {
        // Final round: no kill; wait for every answer, then stop gracefully.
        const deadline = performance.now() + 20_000;
        while (attempts.some((a) => a.acks.length === 0) && performance.now() < deadline)
          await sleep(20);
        for (const c of clients.values()) c.close();
        await server.stop();
        opts.log(`final restart: ${outbox.length} resent`);
        break;
      }
      // Open-loop load, killed at a random moment between 0.3 and 1.5 s (0.2–0.6 s quick).
      const killAt = opts.quick ? 200 + Math.random() * 400 : 300 + Math.random() * 1200;
      const start = performance.now();
      const tag = `${cycle}-${randomBytes(3).toString('hex')}`;
      let n = 0;
      const acked0 = attempts.filter((a) => a.acks.length > 0).length;
      while (performance.now() - start < killAt) {
        const due = Math.floor(((performance.now() - start) * rate) / 1000);
        for (; n < due; n++) {
          const group = groups[n % groups.length]!;
          const sender = group.members[Math.floor(n / groups.length) % GROUP_SIZE]!;
          const a: Attempt = {
            group,
            sender,
            clientMsgId: `${tag}-${n}`,
            msgId: randomBytes(16).toString('base64url'),
            acks: [],
          };
          attempts.push(a);
          send(clients.get(sender.id), a);
        }
        await sleep(1);
      }
      await server.kill();
      const acked = attempts.filter((a) => a.acks.length > 0).length;
      killedAfterAcks += acked - acked0;
      opts.log(
        `cycle ${cycle + 1}/${cycles}: killed at ${Math.round(killAt)} ms, ${outbox.length} resent, ${n} new, ${acked - acked0} acked this cycle, ${attempts.length - acked} waiting`,
      );
      for (const c of clients.values()) c.terminate();
    }
    const result = check(dataDir, attempts);
    const acked = attempts.filter((a) => a.acks.length > 0).length;
    opts.log(
      `checked ${acked} acknowledged of ${attempts.length} sent against ${result.storedMessages} stored`,
    );
    return {
      killCycles: cycles,
      sent: attempts.length,
      acknowledged: acked,
      ackedDuringCycles: killedAfterAcks,
      ackedLost: result.ackedLost,
      duplicates: result.duplicates,
      seqGaps: result.seqGaps,
      neverAcked: attempts.length - acked,
      storedMessages: result.storedMessages,
    };
  } finally {
    if (server.process.exitCode === null && server.process.signalCode === null) await server.kill();
    await rm(dataDir, { recursive: true, force: true });
  }
}
