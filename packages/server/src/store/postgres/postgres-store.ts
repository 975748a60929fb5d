import { randomBytes } from 'node:crypto';
import type { Store } from '../store.js';
import { bytes } from '../sqlite/rows.js';
import { createPgConversationQueries } from './conversation-queries.js';
import { openDatabase } from './database.js';
import type { Database, DatabaseOptions } from './database.js';
import { createPgFileQueries } from './file-queries.js';
import { createPgLogQueries } from './log-queries.js';
import { createPgReceiptQueries } from './receipt-queries.js';
import { createPgRetentionQueries } from './retention-queries.js';
import { runPgMigrations } from './migrations.js';
import { createPgSessionQueries } from './session-queries.js';
import { createPgUserQueries } from './user-queries.js';

/** Options of {@link createPostgresStore}. */
export type PostgresStoreOptions = DatabaseOptions;

/** A {@link Store} on PostgreSQL, with the pool for diagnostics and tests. */
export interface PostgresStore extends Store {
  /** The connection pool and transaction helper; not for application queries. */
  readonly db: Database;
}

/**
 * Opens the PostgreSQL store (DESIGN §6, §9): a connection pool of `poolSize`, pending
 * migrations applied before it returns (safely when several nodes start at once). It keeps the
 * same invariants as the SQLite store, for writers on any number of nodes: every write to a
 * conversation first locks its row (`SELECT … FOR UPDATE`), and `seq` is taken from that row's
 * counter in the same transaction, so the log stays gapless and duplicate-free; epochs and
 * membership entries are compare-and-set under that lock; `(sender, clientMsgId)` is unique.
 *
 * @example
 * ```ts
 * const store = await createPostgresStore({ connectionString: process.env.DATABASE_URL!, poolSize: 20 });
 * ```
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const db = await openDatabase(options);
  try {
    await runPgMigrations(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    db,
    ...createPgUserQueries(db),
    ...createPgSessionQueries(db),
    ...createPgConversationQueries(db),
    ...createPgLogQueries(db),
    ...createPgReceiptQueries(db),
    ...createPgFileQueries(db),
    ...createPgRetentionQueries(db),
    async getOrCreateSecret(name, size) {
      if (!Number.isInteger(size) || size < 16) {
        throw new RangeError(`a server secret needs at least 16 bytes, got ${size}`);
      }
      // First writer wins; every node then reads the same value.
      await db.query(
        'INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
        [name, randomBytes(size)],
      );
      const [row] = await db.query<{ value: Buffer }>(
        'SELECT value FROM server_secrets WHERE name = $1',
        [name],
      );
      return bytes(row!.value);
    },
    async close() {
      await db.close();
    },
  };
}
