/**
 * Measures what group commit buys with `synchronous=FULL`: messages stored per second when each
 * message is its own transaction (one fsync each) versus batches of 10, 100 and 1000 (one fsync
 * per batch), and the same with `synchronous=NORMAL` for reference. Prints JSON.
 *
 * Run: `node --conditions=parley-source --import tsx packages/server/src/messages/group-commit-bench.ts`
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewMessage } from '../store/conversation-store.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';

const id = () => randomBytes(16).toString('base64url');
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 3000);

async function run(synchronous: 'FULL' | 'NORMAL', batch: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-bench-'));
  const store = await createSqliteStore({ dataDir: dir });
  store.db.pragma(`synchronous = ${synchronous}`);
  const [user, convId, epochId] = [id(), id(), id()];
  await store.createConversation({
    id: convId,
    kind: 'group',
    title: null,
    directPair: null,
    createdBy: user,
    now: 0,
    entries: [
      {
        memberSeq: 0,
        sender: user,
        data: '{}',
        sig: randomBytes(64),
        change: { op: 'create', userId: user, identityKey: randomBytes(32) },
      },
    ],
  });
  await store.appendEpoch({
    convId,
    epochId,
    prevEpochId: null,
    expectedMemberSeq: 0,
    creator: user,
    data: '{}',
    sig: randomBytes(64),
    envelopes: [],
    now: 0,
  });
  const box = randomBytes(300);
  const message = (): NewMessage => ({
    convId,
    sender: user,
    clientMsgId: id(),
    msgId: id(),
    epochId,
    data: JSON.stringify({
      v: 1,
      suite: 'cs1',
      conv: convId,
      epochId,
      msgId: id(),
      sender: user,
      ts: 0,
      ctype: 'text',
    }),
    box,
    sig: randomBytes(64),
    now: 0,
  });
  const started = performance.now();
  for (let done = 0; done < MESSAGES; done += batch) {
    await store.appendMessages(Array.from({ length: Math.min(batch, MESSAGES - done) }, message));
  }
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  await rm(dir, { recursive: true, force: true });
  return Math.round(MESSAGES / seconds);
}

const results: Record<string, number> = {};
for (const synchronous of ['FULL', 'NORMAL'] as const) {
  for (const batch of [1, 10, 100, 1000]) {
    results[`${synchronous.toLowerCase()}_batch_${batch}_rows_per_s`] = await run(
      synchronous,
      batch,
    );
  }
}
process.stdout.write(`${JSON.stringify({ messages: MESSAGES, ...results }, null, 2)}\n`);
