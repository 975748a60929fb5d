import { randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Store } from '../store.js';
import { runMigrations } from './migrations.js';
import { openDatabase } from './open-database.js';
import { bytes } from './rows.js';
import { createConversationQueries } from './conversation-queries.js';
import { createFileQueries } from './file-queries.js';
import { createLogQueries } from './log-queries.js';
import { createReceiptQueries } from './receipt-queries.js';
import { createRetentionQueries } from './retention-queries.js';
import { createSessionQueries } from './session-queries.js';
import { createUserQueries } from './user-queries.js';
import { startWriterThread } from './writer-thread.js';
import type { WriterThread } from './writer-thread.js';

/** Options of {@link createSqliteStore}. */
export interface SqliteStoreOptions {
  /** Folder holding `parley.db` (created 0700 if missing). */
  dataDir: string;
  /** How long a writer waits for another process's lock, in ms. Default 5000. */
  busyTimeoutMs?: number;
  /**
   * Run the message-append transaction (the hot write path) on a writer thread with its own
   * connection, so its fsync never stalls the event loop (ADR 0010). Default false; the server
   * turns it on (`SQLITE_WRITER_THREAD`).
   */
  writerThread?: boolean;
}

/** A {@link Store} on SQLite, with access to the underlying handle for tests and tooling. */
export interface SqliteStore extends Store {
  /** The better-sqlite3 handle; for diagnostics, not for application queries. */
  readonly db: Database;
}

/**
 * Opens the embedded SQLite store at `<dataDir>/parley.db`, applying the durability pragmas
 * and running pending migrations before it returns.
 *
 * better-sqlite3 is synchronous: each call runs to completion on the event loop, which for
 * SQLite's sub-millisecond statements is faster than a thread hop. The exception is the
 * message append with `writerThread`: its commit waits for an fsync, so it runs on a thread
 * with a connection of its own. The methods are `async` so that the interface fits a
 * networked database.
 *
 * @example
 * ```ts
 * const store = await createSqliteStore({ dataDir: './data' });
 * const user = await store.findUserByUsername('alice');
 * await store.close();
 * ```
 */
export async function createSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  const db = openDatabase(options);
  try {
    runMigrations(db);
  } catch (error) {
    db.close();
    throw error;
  }
  const insertSecret = db.prepare(
    'INSERT INTO server_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING',
  );
  const selectSecret = db.prepare('SELECT value FROM server_secrets WHERE name = ?');
  let writer: WriterThread | undefined;
  if (options.writerThread) {
    try {
      writer = await startWriterThread({
        dataDir: options.dataDir,
        busyTimeoutMs: options.busyTimeoutMs ?? 5000,
      });
    } catch (error) {
      db.close();
      throw error;
    }
  }
  const log = createLogQueries(db);

  return {
    db,
    ...createUserQueries(db),
    ...createSessionQueries(db),
    ...createConversationQueries(db),
    ...log,
    ...(writer ? { appendMessages: writer.appendMessages } : { commitsOnEventLoop: true }),
    ...createReceiptQueries(db),
    ...createFileQueries(db),
    ...createRetentionQueries(db, db.name),
    async getOrCreateSecret(name, size) {
      if (!Number.isInteger(size) || size < 16) {
        throw new RangeError(`a server secret needs at least 16 bytes, got ${size}`);
      }
      insertSecret.run(name, randomBytes(size));
      const row = selectSecret.get(name) as { value: Buffer };
      return bytes(row.value);
    },
    async close() {
      await writer?.close();
      if (db.open) db.close();
    },
  };
}
