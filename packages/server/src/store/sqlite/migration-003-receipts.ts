import type { Migration } from './migrations.js';

/**
 * Receipt cursors, unread counting and realtime settings (DESIGN §8, ADR 0004). Released as
 * migration 3; never edit once shipped.
 *
 * Unread counts come from prefix counts, so no send ever touches more than the sender's row:
 * - `conversations.unread_total` counts the conversation's countable messages ever stored;
 * - `events.unread_no` is that total right after the event (every kind), so the total as of any
 *   `seq` is one primary-key lookup;
 * - `read_cursors.read_no` is the total as of the member's read cursor.
 *
 * A member's unread count is `unread_total - read_no - (deleted countable messages after the
 * cursor)`; deleted ones are found through a partial index that holds only deleted rows.
 *
 * Existing databases: prefix counts are rebuilt from the headers' `ctype`, and existing members
 * start with everything read (an upgrade does not turn old history into unread messages).
 */
export const MIGRATION_003_RECEIPTS: Migration = {
  version: 3,
  name: 'receipts, unread counts and realtime settings',
  sql: `
    ALTER TABLE conversations ADD COLUMN unread_total INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE events ADD COLUMN unread_no INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE events ADD COLUMN counted INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE events ADD COLUMN redacted INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX events_redacted ON events(conv_id, seq) WHERE redacted = 1;

    UPDATE events SET counted = 1
      WHERE kind = 'message' AND json_extract(data, '$.ctype') IN ('text', 'attachment');
    UPDATE events SET unread_no = p.n FROM (
      SELECT id, SUM(counted) OVER (PARTITION BY conv_id ORDER BY seq) AS n FROM events
    ) AS p WHERE p.id = events.id;
    UPDATE conversations SET unread_total = COALESCE(
      (SELECT e.unread_no FROM events e WHERE e.conv_id = conversations.id
        AND e.seq = conversations.last_seq), 0);

    CREATE TABLE read_cursors (
      conv_id       TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      user_id       TEXT NOT NULL,
      read_seq      INTEGER NOT NULL,
      read_no       INTEGER NOT NULL,
      delivered_seq INTEGER NOT NULL,
      PRIMARY KEY (conv_id, user_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX read_cursors_by_user ON read_cursors(user_id, conv_id);

    INSERT INTO read_cursors (conv_id, user_id, read_seq, read_no, delivered_seq)
      SELECT m.conv_id, m.user_id, c.last_seq, c.unread_total, c.last_seq
      FROM members m JOIN conversations c ON c.id = m.conv_id;

    CREATE TABLE realtime_settings (
      user_id       TEXT PRIMARY KEY,
      hide_presence INTEGER NOT NULL DEFAULT 0,
      read_receipts INTEGER NOT NULL DEFAULT 1,
      last_seen_at  INTEGER
    ) STRICT;
  `,
};
