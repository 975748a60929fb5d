import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, runMigrations } from './migrations.js';
import { openDatabase } from './open-database.js';
import { createSqliteStore } from './sqlite-store.js';

const id = (): string => randomBytes(16).toString('base64url');

describe('migration 3 (receipts) on an existing database', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-m3-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('rebuilds prefix counts from the headers and starts existing members with all read', async () => {
    const [conv, alice, bob] = [id(), id(), id()];
    const epoch = id();
    const db = openDatabase({ dataDir: dir });
    runMigrations(db, MIGRATIONS.slice(0, 2));
    db.prepare(
      `INSERT INTO conversations VALUES (?, 'group', 't', NULL, ?, 0, 5, 0, 1, -1, ?)`,
    ).run(conv, alice, epoch);
    const member = db.prepare(`INSERT INTO members VALUES (?, ?, ?, 0, 1)`);
    member.run(conv, alice, randomBytes(32));
    member.run(conv, bob, randomBytes(32));
    const event = db.prepare(`INSERT INTO events (conv_id, seq, kind, sender, ts, data, sig, box,
      msg_id) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?)`);
    const header = (ctype: string) => JSON.stringify({ ctype });
    event.run(conv, 1, 'member', alice, '{}', randomBytes(64), null, null);
    event.run(conv, 2, 'epoch', alice, '{}', randomBytes(64), null, null);
    event.run(conv, 3, 'message', alice, header('text'), randomBytes(64), randomBytes(40), id());
    event.run(
      conv,
      4,
      'message',
      alice,
      header('reaction'),
      randomBytes(64),
      randomBytes(40),
      id(),
    );
    event.run(
      conv,
      5,
      'message',
      bob,
      header('attachment'),
      randomBytes(64),
      randomBytes(40),
      id(),
    );
    db.prepare(`INSERT INTO epochs VALUES (?, ?, 2, NULL, ?, 1, 0, 3)`).run(conv, epoch, alice);
    db.close();

    const store = await createSqliteStore({ dataDir: dir });
    const prefix = store.db
      .prepare('SELECT seq, unread_no, counted FROM events WHERE conv_id = ? ORDER BY seq')
      .all(conv);
    expect(prefix).toEqual([
      { seq: 1, unread_no: 0, counted: 0 },
      { seq: 2, unread_no: 0, counted: 0 },
      { seq: 3, unread_no: 1, counted: 1 },
      { seq: 4, unread_no: 1, counted: 0 },
      { seq: 5, unread_no: 2, counted: 1 },
    ]);
    const cursors = await store.listConversationCursors(conv);
    expect(cursors.map((c) => [c.readSeq, c.unread]).sort()).toEqual([
      [5, 0],
      [5, 0],
    ]);
    const [stored] = await store.appendMessages([
      {
        convId: conv,
        sender: alice,
        clientMsgId: 'c1',
        msgId: id(),
        epochId: epoch,
        data: header('text'),
        box: randomBytes(40),
        sig: randomBytes(64),
        now: 1,
        countsAsUnread: true,
      },
    ]);
    expect(stored?.status).toBe('stored');
    const unread = await store.listUnread(bob);
    expect(unread).toEqual([
      { convId: conv, userId: bob, readSeq: 5, deliveredSeq: 5, unread: 1, lastSeq: 6 },
    ]);
    await store.close();
  });
});
