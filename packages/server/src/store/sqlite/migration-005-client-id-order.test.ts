import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewMessage } from '../conversation-store.js';
import { MIGRATIONS, runMigrations } from './migrations.js';
import { openDatabase } from './open-database.js';
import { createSqliteStore } from './sqlite-store.js';

const id = (): string => randomBytes(16).toString('base64url');

describe('migration 5 (idempotency index keyed by client id first) on an existing database', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-m5-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps every send stored before it idempotent, and the same pairs unique', async () => {
    const [conv, other, alice, bob, carol, epoch] = [id(), id(), id(), id(), id(), id()];
    const db = openDatabase({ dataDir: dir });
    runMigrations(db, MIGRATIONS.slice(0, 4));
    const conversation = db.prepare(`INSERT INTO conversations (id, kind, title, direct_pair,
      created_by, created_at, last_seq, last_event_at, member_seq, last_departure_seq,
      current_epoch_id) VALUES (?, 'group', 't', NULL, ?, 0, ?, 0, 1, -1, ?)`);
    conversation.run(conv, alice, 2, epoch);
    conversation.run(other, alice, 0, epoch);
    const member = db.prepare(`INSERT INTO members VALUES (?, ?, ?, 0, 1)`);
    for (const user of [alice, bob, carol]) member.run(conv, user, randomBytes(32));
    member.run(other, alice, randomBytes(32));
    db.prepare(`INSERT INTO epochs VALUES (?, ?, 0, NULL, ?, 1, 0, 2)`).run(conv, epoch, alice);
    db.prepare(`INSERT INTO epochs VALUES (?, ?, 0, NULL, ?, 1, 0, 0)`).run(other, epoch, alice);
    // Two senders who happened to pick the same client id: both stored before the migration.
    const event = db.prepare(`INSERT INTO events (conv_id, seq, kind, sender, ts, data, sig, box,
      msg_id, client_msg_id, epoch_id) VALUES (?, ?, 'message', ?, 7, '{}', ?, ?, ?, 'c1', ?)`);
    event.run(conv, 1, alice, randomBytes(64), randomBytes(40), 'm-alice', epoch);
    event.run(conv, 2, bob, randomBytes(64), randomBytes(40), 'm-bob', epoch);
    db.close();

    const store = await createSqliteStore({ dataDir: dir });
    const columns = store.db
      .prepare(`SELECT name FROM pragma_index_info('events_by_client_msg_id') ORDER BY seqno`)
      .all();
    expect(columns).toEqual([{ name: 'client_msg_id' }, { name: 'sender' }]);
    const plan = store.db
      .prepare('EXPLAIN QUERY PLAN SELECT seq FROM events WHERE sender = ? AND client_msg_id = ?')
      .all('x', 'y') as { detail: string }[];
    expect(plan.map((p) => p.detail).join()).toContain('USING INDEX events_by_client_msg_id');

    const send = (convId: string, sender: string, clientMsgId: string): NewMessage => ({
      convId,
      sender,
      clientMsgId,
      msgId: id(),
      epochId: epoch,
      data: '{}',
      box: randomBytes(40),
      sig: randomBytes(64),
      now: 9,
    });
    const results = await store.appendMessages([
      send(conv, alice, 'c1'),
      send(conv, bob, 'c1'),
      send(conv, carol, 'c1'),
      send(conv, carol, 'c1'),
      send(other, alice, 'c1'),
    ]);
    expect(results).toEqual([
      { status: 'duplicate', msgId: 'm-alice', seq: 1, ts: 7 },
      { status: 'duplicate', msgId: 'm-bob', seq: 2, ts: 7 },
      expect.objectContaining({ status: 'stored', event: expect.objectContaining({ seq: 3 }) }),
      expect.objectContaining({ status: 'duplicate', seq: 3 }),
      { status: 'rejected', reason: 'client_msg_id_reused' },
    ]);
    // The constraint itself, under the store's checks: a second row for a pair is refused.
    expect(() =>
      store.db
        .prepare(
          `INSERT INTO events (conv_id, seq, kind, sender, ts, data, sig, client_msg_id)
          VALUES (?, 99, 'message', ?, 0, '{}', x'00', 'c1')`,
        )
        .run(conv, bob),
    ).toThrow(/UNIQUE constraint failed: events.client_msg_id, events.sender/);
    await store.close();
  });
});
