import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { SendAck } from '@parley/sdk/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCli } from '../../test/cli-process.js';
import type { CliProcess as Cli } from '../../test/cli-process.js';
import type { TestServer } from '../../test/helpers.js';
import {
  createGroup,
  newUser,
  startEpoch,
  sync,
  connect,
  connected,
  until,
  wire,
} from '../conversations/test-fixtures.js';
import type { ChatSocket, ChatUser, TestConversation } from '../conversations/test-fixtures.js';
import { DATABASE_FILE } from '../store/sqlite/open-database.js';

/**
 * DESIGN §4 "Delivery guarantees" 5 and perf.md §3.7: `kill -9` of the real CLI while several
 * clients send, then a restart. Every acknowledged message must be in the database exactly
 * once with contiguous `seq`; clients resending their whole outbox with the same clientMsgIds
 * get the original acks for what was stored, nothing is stored twice, and a client's view
 * equals the database.
 */

const SENDERS = 8;
const IN_FLIGHT = 8;
/** Kill once this many sends were acknowledged: mid-burst, under the default rate limits. */
const KILL_AFTER_ACKS = 250;

function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** The parts of the test-server helper the fixtures use, pointed at a CLI process. */
function remote(url: string): TestServer {
  return {
    url,
    fetch: (path: string, init?: RequestInit) => fetch(new URL(path, url), init),
    post: (path: string, body: unknown) =>
      fetch(new URL(path, url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
  } as TestServer;
}

interface Attempt {
  sender: ChatUser;
  request: { conversationId: string; clientMsgId: string; message: ReturnType<typeof wire> };
  ack?: Extract<SendAck, { ok: true }>;
  /** Refused (rate limited): never stored, so not part of the outbox. */
  refused?: boolean;
}

let dataDir: string;
let server: Cli | undefined;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parley-crash-'));
});
afterAll(async () => {
  if (server) {
    server.child.kill('SIGKILL');
    await stopped(server.child);
  }
  await rm(dataDir, { recursive: true, force: true });
});

function load(
  sockets: ChatSocket[],
  users: ChatUser[],
  conv: TestConversation,
  attempts: Attempt[],
) {
  let running = true;
  const loops = sockets.flatMap((socket, i) =>
    Array.from({ length: IN_FLIGHT }, async () => {
      const sender = users[i] as ChatUser;
      while (running && socket.connected) {
        const attempt: Attempt = {
          sender,
          request: {
            conversationId: conv.id,
            clientMsgId: `${i}-${attempts.length}`,
            message: wire(conv, sender),
          },
        };
        attempts.push(attempt);
        try {
          const ack = await socket.timeout(2000).emitWithAck('send', attempt.request);
          if (ack.ok) attempt.ack = ack;
          else {
            // The default limit (100 sends per 10 s per user) ends this sender's burst.
            attempt.refused = true;
            return;
          }
        } catch {
          return;
        }
      }
    }),
  );
  return () => {
    running = false;
    return Promise.all(loops);
  };
}

function checkDatabase(convId: string, acked: readonly Attempt[]): { count: number } {
  const db = new Database(join(dataDir, DATABASE_FILE), { fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT seq, sender, client_msg_id, msg_id FROM events WHERE conv_id = ? ORDER BY seq`,
      )
      .all(convId) as {
      seq: number;
      sender: string;
      client_msg_id: string | null;
      msg_id: string | null;
    }[];
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    const keys = rows
      .filter((r) => r.client_msg_id !== null)
      .map((r) => `${r.sender}/${r.client_msg_id}`);
    expect(new Set(keys).size).toBe(keys.length);
    const bySeq = new Map(rows.map((r) => [r.seq, r]));
    for (const a of acked) {
      const row = bySeq.get(a.ack?.seq ?? -1);
      expect(row?.msg_id).toBe(a.ack?.id);
      expect(row?.client_msg_id).toBe(a.request.clientMsgId);
    }
    return { count: rows.length };
  } finally {
    db.close();
  }
}

it(
  'keeps every acknowledged message exactly once, with contiguous seq, across kill -9',
  { timeout: 60_000 },
  async () => {
    server = await startCli(dataDir);
    let t = remote(server.url);
    const users: ChatUser[] = [];
    for (let i = 0; i < SENDERS; i++) users.push(await newUser(t));
    const [owner, ...others] = users as [ChatUser, ...ChatUser[]];
    const conv = await createGroup(t, owner, others);
    await startEpoch(t, owner, conv, users);

    const sockets = await Promise.all(users.map((u) => connected(connect(t, u))));
    const attempts: Attempt[] = [];
    const stop = load(sockets, users, conv, attempts);
    await until(() => attempts.filter((a) => a.ack).length >= KILL_AFTER_ACKS, 20_000);
    server.child.kill('SIGKILL');
    await stopped(server.child);
    await stop();
    sockets.forEach((s) => s.close());
    const outbox = attempts.filter((a) => !a.refused);

    const acked = attempts.filter((a) => a.ack);
    expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    // The kill interrupted the burst: some sends were still in flight.
    expect(outbox.length).toBeGreaterThan(acked.length);
    const afterCrash = checkDatabase(conv.id, acked);
    // Stored but never acknowledged: the retries below must not duplicate them.
    const base = users.length + 1; // create, the adds and the epoch
    const unacked = afterCrash.count - base - acked.length;
    expect(unacked).toBeGreaterThanOrEqual(0);

    server = await startCli(dataDir);
    t = remote(server.url);
    const again = await Promise.all(users.map((u) => connected(connect(t, u))));
    const socketOf = new Map(users.map((u, i) => [u.id, again[i] as ChatSocket]));
    const retries = await Promise.all(
      outbox.map((a) =>
        (socketOf.get(a.sender.id) as ChatSocket).timeout(10_000).emitWithAck('send', a.request),
      ),
    );
    retries.forEach((ack, i) => {
      expect(ack.ok).toBe(true);
      const original = outbox[i]?.ack;
      if (original) expect(ack).toEqual(original);
    });
    const final = checkDatabase(conv.id, acked);
    expect(final.count).toBe(base + outbox.length);

    // A client's view (sync from the start) equals the database.
    const view: number[] = [];
    let cursor = 0;
    for (;;) {
      const res = await sync(again[0] as ChatSocket, {
        cursors: [{ conversationId: conv.id, afterSeq: cursor }],
        limit: 500,
      });
      const part = res.ok ? res.conversations.find((c) => c.conversationId === conv.id) : undefined;
      if (!part) break;
      view.push(...part.events.map((e) => e.seq));
      cursor = part.events.at(-1)?.seq ?? cursor;
      if (!part.hasMore) break;
    }
    expect(view).toEqual(Array.from({ length: final.count }, (_, i) => i + 1));
    again.forEach((s) => s.close());
    server.child.kill('SIGTERM');
    await stopped(server.child);
    server = undefined;
  },
);
