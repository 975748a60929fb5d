import type { PoolClient } from 'pg';
import type { Database } from './database.js';
import { PG_MIGRATION_005_APPEND_FUNCTION } from './migration-005-append-function.js';
import { PG_MIGRATION_006_CLIENT_ID_ORDER } from './migration-006-client-id-order.js';

/** One PostgreSQL schema change. Versions are contiguous from 1 and never edited once released. */
export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The PostgreSQL schema history, kept in step with the SQLite one (same tables, same
 * invariants, PostgreSQL types): BIGINT for epoch milliseconds, BYTEA for keys, hashes and
 * ciphertext, BOOLEAN for flags. Constraint names are explicit because the store maps them to
 * {@link StoreConflictError} constraints. Sorted text keys use `COLLATE "C"` so orderings (and the
 * username prefix range) are bytewise, as on SQLite, whatever the database's locale. Append to change the schema; never rewrite a shipped one.
 */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'accounts and sessions',
    sql: `
      CREATE TABLE users (
        id                  TEXT COLLATE "C" CONSTRAINT users_pkey PRIMARY KEY,
        username            TEXT COLLATE "C" NOT NULL CONSTRAINT users_username_key UNIQUE,
        display_name        TEXT NOT NULL,
        kdf_json            TEXT NOT NULL,
        auth_hash           TEXT NOT NULL,
        wrapped_account_key BYTEA NOT NULL,
        enc_bundle          BYTEA NOT NULL,
        identity_key        BYTEA NOT NULL,
        created_at          BIGINT NOT NULL,
        updated_at          BIGINT NOT NULL
      );
      CREATE TABLE ka_keys (
        user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        ka_id      BYTEA NOT NULL,
        pub        BYTEA NOT NULL,
        not_before BIGINT NOT NULL,
        not_after  BIGINT NOT NULL,
        sig        BYTEA NOT NULL,
        CONSTRAINT ka_keys_pkey PRIMARY KEY (user_id, ka_id)
      );
      CREATE TABLE sessions (
        id           TEXT COLLATE "C" PRIMARY KEY,
        user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        generation   INTEGER NOT NULL,
        created_at   BIGINT NOT NULL,
        last_used_at BIGINT NOT NULL,
        expires_at   BIGINT NOT NULL,
        user_agent   TEXT
      );
      CREATE INDEX sessions_by_user ON sessions(user_id);
      CREATE INDEX sessions_by_expiry ON sessions(expires_at);
      CREATE TABLE refresh_tokens (
        token_hash BYTEA PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        generation INTEGER NOT NULL
      );
      CREATE INDEX refresh_tokens_by_session ON refresh_tokens(session_id);
      CREATE TABLE server_secrets (
        name  TEXT PRIMARY KEY,
        value BYTEA NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'conversations and the event log',
    // `conversations.last_seq` is the per-conversation counter: every append bumps it with
    // UPDATE … RETURNING inside the writing transaction, which holds the row lock until commit,
    // so concurrent writers on any number of nodes queue on it and the log has no gaps.
    sql: `
      CREATE TABLE conversations (
        id                 TEXT COLLATE "C" CONSTRAINT conversations_pkey PRIMARY KEY,
        kind               TEXT NOT NULL CHECK (kind IN ('direct', 'group')),
        title              TEXT,
        direct_pair        TEXT CONSTRAINT conversations_direct_pair_key UNIQUE,
        created_by         TEXT NOT NULL,
        created_at         BIGINT NOT NULL,
        last_seq           INTEGER NOT NULL,
        last_event_at      BIGINT NOT NULL,
        member_seq         INTEGER NOT NULL,
        last_departure_seq INTEGER NOT NULL,
        current_epoch_id   TEXT
      );
      CREATE TABLE members (
        conv_id      TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        user_id      TEXT COLLATE "C" NOT NULL,
        identity_key BYTEA NOT NULL,
        is_admin     BOOLEAN NOT NULL,
        joined_seq   INTEGER NOT NULL,
        PRIMARY KEY (conv_id, user_id)
      );
      CREATE INDEX members_by_user ON members(user_id, conv_id);
      CREATE TABLE events (
        id            BIGSERIAL PRIMARY KEY,
        conv_id       TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        seq           INTEGER NOT NULL,
        kind          TEXT NOT NULL CHECK (kind IN ('message', 'member', 'epoch')),
        sender        TEXT NOT NULL,
        ts            BIGINT NOT NULL,
        data          TEXT NOT NULL,
        sig           BYTEA NOT NULL,
        box           BYTEA,
        msg_id        TEXT,
        client_msg_id TEXT,
        epoch_id      TEXT,
        member_seq    INTEGER,
        CONSTRAINT events_conv_seq_key UNIQUE (conv_id, seq)
      );
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
        created_at     BIGINT NOT NULL,
        msg_count      INTEGER NOT NULL,
        PRIMARY KEY (conv_id, epoch_id)
      );
      CREATE TABLE envelopes (
        conv_id   TEXT NOT NULL,
        epoch_id  TEXT NOT NULL,
        recipient TEXT NOT NULL,
        ka_id     BYTEA NOT NULL,
        enc       BYTEA NOT NULL,
        ct        BYTEA NOT NULL,
        PRIMARY KEY (conv_id, recipient, epoch_id),
        FOREIGN KEY (conv_id, epoch_id) REFERENCES epochs(conv_id, epoch_id) ON DELETE CASCADE
      );
    `,
  },
  {
    version: 3,
    name: 'receipts, unread counts and realtime settings',
    // Same prefix-count design as SQLite migration 3 (ADR 0004); see receipt-queries.ts.
    sql: `
      ALTER TABLE conversations ADD COLUMN unread_total INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE events ADD COLUMN unread_no INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE events ADD COLUMN counted BOOLEAN NOT NULL DEFAULT false;
      ALTER TABLE events ADD COLUMN redacted BOOLEAN NOT NULL DEFAULT false;
      CREATE INDEX events_redacted ON events(conv_id, seq) WHERE redacted;

      UPDATE events SET counted = true
        WHERE kind = 'message' AND (data::jsonb ->> 'ctype') IN ('text', 'attachment');
      UPDATE events SET unread_no = p.n FROM (
        SELECT id, SUM(counted::int) OVER (PARTITION BY conv_id ORDER BY seq) AS n FROM events
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
      );
      CREATE INDEX read_cursors_by_user ON read_cursors(user_id, conv_id);
      INSERT INTO read_cursors (conv_id, user_id, read_seq, read_no, delivered_seq)
        SELECT m.conv_id, m.user_id, c.last_seq, c.unread_total, c.last_seq
        FROM members m JOIN conversations c ON c.id = m.conv_id;

      CREATE TABLE realtime_settings (
        user_id       TEXT PRIMARY KEY,
        hide_presence BOOLEAN NOT NULL DEFAULT false,
        read_receipts BOOLEAN NOT NULL DEFAULT true,
        last_seen_at  BIGINT
      );
    `,
  },
  {
    version: 4,
    name: 'file attachments',
    sql: `
      CREATE TABLE files (
        id         TEXT PRIMARY KEY,
        owner_id   TEXT COLLATE "C" NOT NULL,
        conv_id    TEXT NOT NULL,
        blob_key   TEXT NOT NULL UNIQUE,
        size       BIGINT NOT NULL CHECK (size >= 0),
        mime       TEXT NOT NULL,
        state      TEXT NOT NULL CHECK (state IN ('uploading', 'ready')),
        msg_id     TEXT,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX files_by_owner ON files(owner_id);
      CREATE INDEX files_unreferenced ON files(created_at) WHERE msg_id IS NULL;
    `,
  },
  PG_MIGRATION_005_APPEND_FUNCTION,
  PG_MIGRATION_006_CLIENT_ID_ORDER,
];

/**
 * Brings the schema up to date: each pending migration runs in its own transaction holding a
 * transaction-scoped advisory lock (keyed by the schema name), so nodes starting together
 * apply each migration exactly once and the others wait, then see it applied.
 *
 * @returns The versions applied now.
 * @throws {Error} When the database was written by a newer server.
 */
export async function runPgMigrations(
  db: Database,
  migrations: readonly PgMigration[] = PG_MIGRATIONS,
  now: () => number = Date.now,
): Promise<number[]> {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new RangeError(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
    }
  });
  const applied: number[] = [];
  for (const migration of migrations) {
    const ran = await db.transaction(async (client) => {
      await lockMigrations(client);
      if ((await currentPgVersion(client)) >= migration.version) return false;
      await client.query(migration.sql);
      await client.query(
        'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
        [migration.version, migration.name, now()],
      );
      return true;
    });
    if (ran) applied.push(migration.version);
  }
  const version = await db.transaction(async (client) => {
    await lockMigrations(client);
    return currentPgVersion(client);
  });
  const latest = migrations.at(-1)?.version ?? 0;
  if (version > latest) {
    throw new Error(
      `database schema version ${version} is newer than this server knows (${latest}); upgrade the server`,
    );
  }
  return applied;
}

async function lockMigrations(client: PoolClient): Promise<void> {
  await client.query(
    "SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':parley-migrations'))",
  );
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at BIGINT NOT NULL
  )`);
}

/** The highest applied migration version, 0 for an empty schema. */
export async function currentPgVersion(client: Pick<PoolClient, 'query'>): Promise<number> {
  const { rows } = await client.query<{ v: number | null }>(
    'SELECT MAX(version) AS v FROM schema_migrations',
  );
  return rows[0]?.v ?? 0;
}
