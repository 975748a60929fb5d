import type { Migration } from './migrations.js';

/**
 * Conversations, members and the one ordered log per conversation (DESIGN §4), with epochs and
 * their envelopes (crypto.md §7.9). Released as migration 2; never edit once shipped.
 *
 * - `events` is the log: messages, membership entries and epochs share one `seq` per
 *   conversation, `UNIQUE (conv_id, seq)` being the safety net under the transaction that
 *   assigns it. It is a rowid table because message rows can be tens of kilobytes, which
 *   WITHOUT ROWID tables handle badly.
 * - `(sender, client_msg_id)` is unique so a retried send is stored once; `(conv_id, msg_id)`
 *   so a message id cannot be reused in a conversation; `(conv_id, member_seq)` so the signed
 *   membership log cannot fork.
 * - Member rows hold the identity key the log pinned, which the server uses to re-check entries.
 * - No foreign keys to `users`: a deleted account stays in the logs it signed.
 */
export const MIGRATION_002_CONVERSATIONS: Migration = {
  version: 2,
  name: 'conversations and the event log',
  sql: `
    CREATE TABLE conversations (
      id                 TEXT PRIMARY KEY,
      kind               TEXT NOT NULL CHECK (kind IN ('direct', 'group')),
      title              TEXT,
      direct_pair        TEXT UNIQUE,
      created_by         TEXT NOT NULL,
      created_at         INTEGER NOT NULL,
      last_seq           INTEGER NOT NULL,
      last_event_at      INTEGER NOT NULL,
      member_seq         INTEGER NOT NULL,
      last_departure_seq INTEGER NOT NULL,
      current_epoch_id   TEXT
    ) STRICT;

    CREATE TABLE members (
      conv_id      TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      user_id      TEXT NOT NULL,
      identity_key BLOB NOT NULL,
      is_admin     INTEGER NOT NULL,
      joined_seq   INTEGER NOT NULL,
      PRIMARY KEY (conv_id, user_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX members_by_user ON members(user_id, conv_id);

    CREATE TABLE events (
      id            INTEGER PRIMARY KEY,
      conv_id       TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      seq           INTEGER NOT NULL,
      kind          TEXT NOT NULL CHECK (kind IN ('message', 'member', 'epoch')),
      sender        TEXT NOT NULL,
      ts            INTEGER NOT NULL,
      data          TEXT NOT NULL,
      sig           BLOB NOT NULL,
      box           BLOB,
      msg_id        TEXT,
      client_msg_id TEXT,
      epoch_id      TEXT,
      member_seq    INTEGER,
      UNIQUE (conv_id, seq)
    ) STRICT;
    CREATE UNIQUE INDEX events_by_client_msg_id ON events(sender, client_msg_id)
      WHERE client_msg_id IS NOT NULL;
    CREATE UNIQUE INDEX events_by_msg_id ON events(conv_id, msg_id) WHERE msg_id IS NOT NULL;
    CREATE UNIQUE INDEX events_by_member_seq ON events(conv_id, member_seq)
      WHERE member_seq IS NOT NULL;

    CREATE TABLE epochs (
      conv_id        TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
      epoch_id       TEXT NOT NULL,
      seq            INTEGER NOT NULL,
      prev_epoch_id  TEXT,
      creator        TEXT NOT NULL,
      member_log_seq INTEGER NOT NULL,
      created_at     INTEGER NOT NULL,
      msg_count      INTEGER NOT NULL,
      PRIMARY KEY (conv_id, epoch_id)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE envelopes (
      conv_id   TEXT NOT NULL,
      epoch_id  TEXT NOT NULL,
      recipient TEXT NOT NULL,
      ka_id     BLOB NOT NULL,
      enc       BLOB NOT NULL,
      ct        BLOB NOT NULL,
      PRIMARY KEY (conv_id, recipient, epoch_id),
      FOREIGN KEY (conv_id, epoch_id) REFERENCES epochs(conv_id, epoch_id) ON DELETE CASCADE
    ) STRICT, WITHOUT ROWID;
  `,
};
