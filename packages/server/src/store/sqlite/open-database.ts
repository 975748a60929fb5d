import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';

/** File name of the database inside the data folder. */
export const DATABASE_FILE = 'parley.db';

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** Folder holding `parley.db`; created with mode 0700 if missing. */
  dataDir: string;
  /** How long a writer waits for another process's lock, in ms. Default 5000. */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) `<dataDir>/parley.db` with the pragmas the durability promise of
 * DESIGN §4 rests on:
 * - `journal_mode=WAL`: readers never block the writer;
 * - `synchronous=FULL`: a committed transaction survives power loss, not only a crash;
 * - `busy_timeout`: a second process waits for the lock instead of failing at once;
 * - `foreign_keys=ON`: SQLite leaves them off by default, and the cascades rely on them;
 * - `secure_delete=ON`: deleted rows are overwritten, so a replaced wrapped account key (a
 *   password change) or a deleted account does not linger in free pages of the file.
 *
 * The folder is created 0700 and the file 0600: the database holds the JWT signing key.
 */
export function openDatabase(options: OpenDatabaseOptions): SqliteDatabase {
  const { dataDir, busyTimeoutMs } = { busyTimeoutMs: 5000, ...options };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const filename = join(dataDir, DATABASE_FILE);
  // Create the file ourselves so it never exists, even briefly, with umask permissions.
  closeSync(openSync(filename, 'a', 0o600));
  const db = new Database(filename);
  try {
    applyPragmas(db, busyTimeoutMs);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function applyPragmas(db: SqliteDatabase, busyTimeoutMs: number): void {
  db.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') throw new Error(`could not enable WAL on the database (got ${String(mode)})`);
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('secure_delete = ON');
}
