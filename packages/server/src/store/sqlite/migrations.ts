import type { Database } from 'better-sqlite3';
import { MIGRATION_002_CONVERSATIONS } from './migration-002-conversations.js';
import { MIGRATION_003_RECEIPTS } from './migration-003-receipts.js';
import { MIGRATION_004_FILES } from './migration-004-files.js';
import { MIGRATION_005_CLIENT_ID_ORDER } from './migration-005-client-id-order.js';

/** One schema change. Versions are contiguous from 1 and never edited once released. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The SQLite schema history. Append a migration to change the schema; never rewrite one that
 * shipped, because databases in the field have already run it.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts and sessions',
    // STRICT tables make SQLite reject a value of the wrong type instead of storing it.
    // Binary values (keys, ciphertext, token hashes) are BLOBs, not base64 text.
    sql: `
      CREATE TABLE users (
        id                  TEXT PRIMARY KEY,
        username            TEXT NOT NULL UNIQUE,
        display_name        TEXT NOT NULL,
        kdf_json            TEXT NOT NULL,
        auth_hash           TEXT NOT NULL,
        wrapped_account_key BLOB NOT NULL,
        enc_bundle          BLOB NOT NULL,
        identity_key        BLOB NOT NULL,
        created_at          INTEGER NOT NULL,
        updated_at          INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE ka_keys (
        user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        ka_id      BLOB NOT NULL,
        pub        BLOB NOT NULL,
        not_before INTEGER NOT NULL,
        not_after  INTEGER NOT NULL,
        sig        BLOB NOT NULL,
        PRIMARY KEY (user_id, ka_id)
      ) STRICT;

      CREATE TABLE sessions (
        id           TEXT PRIMARY KEY,
        user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        generation   INTEGER NOT NULL,
        created_at   INTEGER NOT NULL,
        last_used_at INTEGER NOT NULL,
        expires_at   INTEGER NOT NULL,
        user_agent   TEXT
      ) STRICT;
      CREATE INDEX sessions_by_user ON sessions(user_id);
      CREATE INDEX sessions_by_expiry ON sessions(expires_at);

      -- Every hash a family ever issued stays until the family ends: an old one coming back is
      -- how reuse is detected.
      CREATE TABLE refresh_tokens (
        token_hash BLOB PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        generation INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX refresh_tokens_by_session ON refresh_tokens(session_id);

      CREATE TABLE server_secrets (
        name  TEXT PRIMARY KEY,
        value BLOB NOT NULL
      ) STRICT;
    `,
  },
  MIGRATION_002_CONVERSATIONS,
  MIGRATION_003_RECEIPTS,
  MIGRATION_004_FILES,
  MIGRATION_005_CLIENT_ID_ORDER,
];

/**
 * Brings the database up to the newest schema: creates `schema_migrations` if needed, then
 * runs each pending migration in its own `BEGIN IMMEDIATE` transaction (so two processes
 * opening the same file cannot both apply one).
 *
 * @param migrations - Defaults to {@link MIGRATIONS}; tests pass their own lists.
 * @returns The versions that were applied now.
 * @throws {Error} When the database was written by a newer server (its version is unknown here).
 */
export function runMigrations(
  db: Database,
  migrations: readonly Migration[] = MIGRATIONS,
  now: () => number = Date.now,
): number[] {
  assertContiguous(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
  const latest = migrations.at(-1)?.version ?? 0;
  const applied: number[] = [];
  for (const migration of migrations) {
    const apply = db.transaction(() => {
      // Re-read inside the write lock: another process may have just applied it.
      if (currentVersion(db) >= migration.version) return false;
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        now(),
      );
      return true;
    });
    if (apply.immediate()) applied.push(migration.version);
  }
  const version = currentVersion(db);
  if (version > latest) {
    throw new Error(
      `database schema version ${version} is newer than this server knows (${latest}); upgrade the server`,
    );
  }
  return applied;
}

/** The highest applied migration version, 0 for a fresh database. */
export function currentVersion(db: Database): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as
    { v: number | null } | undefined;
  return row?.v ?? 0;
}

function assertContiguous(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new RangeError(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
    }
  });
}
