import pg from 'pg';
import type { PoolClient, QueryResultRow } from 'pg';

/** Options of {@link openDatabase}. */
export interface DatabaseOptions {
  /** `postgres://user:password@host:port/db`. */
  connectionString: string;
  /** Most connections this process opens. Default 10. */
  poolSize?: number;
  /**
   * Schema to work in (`search_path`), created if missing. Default: the server's default
   * (`public`). Tests use a fresh schema per run so suites can share one database.
   */
  schema?: string;
  /** How long to wait for a free connection before failing a query, in ms. Default 10000. */
  connectionTimeoutMs?: number;
}

/** A pooled PostgreSQL handle with a retrying transaction helper. */
export interface Database {
  readonly pool: pg.Pool;
  /** One statement on any pooled connection. */
  query<R extends QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  /**
   * Runs `work` inside BEGIN … COMMIT on one connection (READ COMMITTED; callers take the row
   * locks they need). A deadlock or serialization failure, or a unique violation the caller
   * marks as retryable, rolls back and runs `work` again from the start, a few times.
   */
  transaction<T>(work: (client: PoolClient) => Promise<T>, options?: RetryOptions): Promise<T>;
  close(): Promise<void>;
}

/** Retry policy of {@link Database.transaction}. */
export interface RetryOptions {
  /** Also retry on a unique violation of one of these constraints or indexes. */
  retryOnUnique?: readonly string[];
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const MAX_ATTEMPTS = 5;
// 40001 serialization_failure, 40P01 deadlock_detected.
const TRANSIENT = new Set(['40001', '40P01']);

/** BIGINT (epoch milliseconds, counts) as a JS number: every value we store is below 2^53. */
function parseInt8(value: string): number {
  return Number(value);
}

/** The SQLSTATE of a driver error, if any. */
export function sqlState(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

/** The constraint (or unique index) a unique violation (23505) broke, if it is one. */
export function uniqueViolation(error: unknown): string | undefined {
  if (sqlState(error) !== '23505') return undefined;
  const { constraint } = error as { constraint?: unknown };
  return typeof constraint === 'string' ? constraint : '';
}

/**
 * Opens a connection pool. Type parsing is set per pool (BIGINT → number), never on the
 * driver's global registry, so a host application using `pg` itself is not affected.
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new RangeError(`schema must match ${SCHEMA_NAME.source}, got ${schema}`);
  }
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === pg.types.builtins.INT8 && format !== 'binary'
        ? parseInt8
        : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };
  if (schema !== undefined) {
    const admin = new pg.Client({ connectionString: options.connectionString });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch((error: unknown) => {
        // Two nodes creating it at once: IF NOT EXISTS is not atomic; the other one won.
        if (sqlState(error) !== '23505' && sqlState(error) !== '42P06') throw error;
      });
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    types,
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle connection dropped by the server emits here; without a listener it would crash.
  pool.on('error', () => undefined);

  async function transaction<T>(
    work: (client: PoolClient) => Promise<T>,
    retry: RetryOptions = {},
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        const unique = uniqueViolation(error);
        const retryable =
          TRANSIENT.has(sqlState(error) ?? '') ||
          (unique !== undefined && (retry.retryOnUnique ?? []).includes(unique));
        if (!retryable || attempt >= MAX_ATTEMPTS) throw error;
      } finally {
        client.release(broken);
      }
    }
  }

  return {
    pool,
    async query<R extends QueryResultRow>(sql: string, params: unknown[] = []) {
      return (await pool.query<R>(sql, params)).rows;
    },
    transaction,
    async close() {
      if (!pool.ended) await pool.end();
    },
  };
}
