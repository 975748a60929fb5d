/**
 * The `pages` suite: what one group commit of messages costs the SQLite store in pages, bytes
 * and CPU, and which B-tree each page belongs to. A page dirtied by a commit is written whole
 * to the WAL (4 KiB) and again by the checkpoint, and it is what a schema change moves most
 * (session 6: the idempotency index keyed sender first dirtied one page per sender, 114 of the
 * 386 pages of a commit of 100).
 *
 * A store with the production schema and pragmas, 100 groups of 10 with an epoch each, filled
 * with messages first so that the indexes are larger than a commit (50,000; 5,000 with
 * `--quick`); then commits of 100 messages from random members, UUIDv7 client ids and random
 * message ids, as the SDK sends them, through `Store.appendMessages` on one connection (the
 * transaction the writer thread runs). Automatic checkpoints are off for the measured
 * commits, so the WAL holds exactly their frames: each frame's page number is mapped to its
 * B-tree with SQLite's `dbstat`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newClientMsgId } from '../packages/sdk/src/outbox/client-msg-id.js';
import type { NewMessage } from '../packages/server/src/store/conversation-store.js';
import { DATABASE_FILE } from '../packages/server/src/store/sqlite/open-database.js';
import { createSqliteStore } from '../packages/server/src/store/sqlite/sqlite-store.js';
import type { SqliteStore } from '../packages/server/src/store/sqlite/sqlite-store.js';
import { round } from './util.js';

const GROUPS = 100;
const MEMBERS = 10;
const BATCH = 100;
const T0 = 1_764_000_000_000;

const id = (): string => randomBytes(16).toString('base64url');

interface Group {
  convId: string;
  epochId: string;
  members: string[];
}

async function createGroups(store: SqliteStore): Promise<Group[]> {
  const groups: Group[] = [];
  for (let g = 0; g < GROUPS; g++) {
    const members = Array.from({ length: MEMBERS }, id);
    const [creator] = members as [string];
    const convId = id();
    await store.createConversation({
      id: convId,
      kind: 'group',
      title: null,
      directPair: null,
      createdBy: creator,
      now: T0,
      entries: members.map((userId, i) => ({
        memberSeq: i,
        sender: creator,
        data: '{}',
        sig: randomBytes(64),
        change: { op: i === 0 ? 'create' : 'add', userId, identityKey: randomBytes(32) },
      })),
    });
    const epochId = id();
    const appended = await store.appendEpoch({
      convId,
      epochId,
      prevEpochId: null,
      expectedMemberSeq: MEMBERS - 1,
      creator,
      data: '{}',
      sig: randomBytes(64),
      envelopes: [],
      now: T0 + 1,
    });
    if (appended.status !== 'appended') throw new Error(`epoch not appended: ${appended.status}`);
    groups.push({ convId, epochId, members });
  }
  return groups;
}

/** A message as the server stores one: a short text's box and header. */
function message(groups: Group[], now: number): NewMessage {
  const group = groups[Math.floor(Math.random() * groups.length)]!;
  const sender = group.members[Math.floor(Math.random() * MEMBERS)]!;
  const msgId = id();
  const header = { v: 1, suite: 'cs1', conv: group.convId, epochId: group.epochId, msgId };
  return {
    convId: group.convId,
    sender,
    clientMsgId: newClientMsgId(now),
    msgId,
    epochId: group.epochId,
    data: JSON.stringify({ ...header, sender, ts: now, ctype: 'text' }),
    box: randomBytes(284),
    sig: randomBytes(64),
    now,
    countsAsUnread: true,
  };
}

/** The page number of every frame in a WAL file, and how many frames ended a commit. */
export function walFrames(wal: Buffer): { pages: number[]; commits: number } {
  if (wal.length < 32) return { pages: [], commits: 0 };
  const pageSize = wal.readUInt32BE(8);
  const pages: number[] = [];
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    pages.push(wal.readUInt32BE(at));
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
  }
  return { pages, commits };
}

/** Runs the suite; returns the `pages` figures. */
export async function runWriterPagesBench(opts: {
  quick: boolean;
  log: (line: string) => void;
}): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-bench-pages-'));
  const store = await createSqliteStore({ dataDir: dir, writerThread: false });
  try {
    const groups = await createGroups(store);
    const fill = opts.quick ? 5_000 : 50_000;
    let now = T0 + 1000;
    for (let n = 0; n < fill; n += 500) {
      await store.appendMessages(Array.from({ length: 500 }, () => message(groups, now++)));
      if (n % 10_000 === 0) opts.log(`filling: ${n} of ${fill} messages`);
    }
    const { db } = store;
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('wal_autocheckpoint = 0');
    const commits = opts.quick ? 10 : 50;
    const batches = Array.from({ length: commits }, () =>
      Array.from({ length: BATCH }, () => message(groups, now++)),
    );
    const cpu0 = process.cpuUsage();
    let stored = 0;
    for (const batch of batches) {
      for (const r of await store.appendMessages(batch)) if (r.status === 'stored') stored++;
    }
    const cpu = process.cpuUsage(cpu0);
    const wal = await readFile(join(dir, `${DATABASE_FILE}-wal`));
    const frames = walFrames(wal);
    const owner = new Map(
      (
        db.prepare('SELECT pageno, name FROM dbstat').all() as { pageno: number; name: string }[]
      ).map((r) => [r.pageno, r.name]),
    );
    const byTree = new Map<string, number>();
    for (const page of frames.pages) {
      const name = owner.get(page) ?? '(free list)';
      byTree.set(name, (byTree.get(name) ?? 0) + 1);
    }
    const perCommit = (n: number) => round(n / frames.commits);
    const pagesByTree = Object.fromEntries(
      [...byTree].sort((x, y) => y[1] - x[1]).map(([name, n]) => [name, perCommit(n)]),
    );
    const out = {
      messagesBefore: fill,
      commits: frames.commits,
      messagesPerCommit: BATCH,
      stored,
      pagesPerCommit: perCommit(frames.pages.length),
      walKBPerMessage: round(wal.length / 1024 / stored),
      cpuUsPerMessage: round((cpu.user + cpu.system) / stored),
      pagesByTree,
    };
    opts.log(
      `${frames.commits} commits of ${BATCH} messages (after ${fill}): ${out.pagesPerCommit} pages a commit, ${out.walKBPerMessage} KB of WAL and ${out.cpuUsPerMessage} µs of CPU a message`,
    );
    for (const [name, n] of Object.entries(pagesByTree)) opts.log(`  ${name}: ${n} pages a commit`);
    return out;
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
