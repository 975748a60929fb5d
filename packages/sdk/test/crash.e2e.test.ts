/**
 * DESIGN §4 delivery guarantees, from the SDK's side: `kill -9` of the real server process while
 * a client sends, then a restart on the same address. The clients reconnect by themselves and
 * resend their outboxes; afterwards every message is stored exactly once, `seq` has no gaps, and
 * both clients' views equal the database.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import type { ChatClient } from '../src/client.js';
import { orderedMessages, registerUser } from './conversation-helpers.js';
import { startCli } from '../../server/test/cli-process.js';
import { everySent, expectStoredOnce, externalServer, sendUnderLoad } from './outage-load.js';
import type { StoredEvent } from './outage-load.js';

const MESSAGES = 60;
const KILL_AFTER = 15;

const clients: ChatClient[] = [];
const children: ChildProcess[] = [];
let dataDir = '';
afterAll(async () => {
  for (const c of clients) c.close();
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('after kill -9 and a restart, every message is stored once, in order, and views equal the database', async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parley-crash-'));
  const first = await startCli(dataDir, 0);
  children.push(first.child);
  const port = Number(new URL(first.url).port);
  const server = externalServer(first.url);
  const alice = await registerUser(server, 'alice', {
    reconnect: { baseMs: 50, maxMs: 500 },
  });
  const bob = await registerUser(server, 'bob', { reconnect: { baseMs: 50, maxMs: 500 } });
  clients.push(alice.client, bob.client);
  const group = await alice.client.conversations.create({ title: 'Crash', members: [bob.id] });
  const bobView = await bob.client.conversations.get(group.id);

  const { sends, acked } = await sendUnderLoad(group, MESSAGES, KILL_AFTER);
  first.child.kill('SIGKILL');
  await new Promise((resolve) => first.child.once('exit', resolve));
  const ackedBeforeKill = acked();

  const second = await startCli(dataDir, port);
  children.push(second.child);
  // The clients reconnect on their own and resend what was not acknowledged.
  await everySent(group, MESSAGES, 'every message acknowledged after the restart');
  await Promise.all(sends);
  await everySent(bobView, MESSAGES, 'bob to have every message');

  const db = new Database(join(dataDir, 'parley.db'), { readonly: true });
  const rows = db
    .prepare('SELECT seq, kind, msg_id FROM events WHERE conv_id = ? ORDER BY seq')
    .all(group.id) as StoredEvent[];
  db.close();
  expectStoredOnce(rows, MESSAGES);
  expect(ackedBeforeKill).toBeLessThan(MESSAGES);

  const view = (messages: ReturnType<typeof orderedMessages>) =>
    messages.map((m) => `${m.seq}:${m.id}`);
  const dbView = rows.filter((r) => r.kind === 'message').map((r) => `${r.seq}:${r.msg_id}`);
  expect(view(orderedMessages(group))).toEqual(dbView);
  expect(view(orderedMessages(bobView))).toEqual(dbView);
  // Each of alice's messages keeps its writing order.
  expect(orderedMessages(group).map((m) => m.text)).toEqual(
    [...orderedMessages(group).map((m) => m.text)].sort(
      (a, b) => Number(a.slice(1)) - Number(b.slice(1)),
    ),
  );
});
