import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL the suites use: `DATABASE_URL`, or `undefined` (and a printed reason) when it
 * is unset or does not answer, outside CI. In CI (`CI=true`) a missing database is an error,
 * so a broken service cannot pass silently.
 */
export async function testDatabaseUrl(suite: string): Promise<string | undefined> {
  const url = process.env.DATABASE_URL;
  const ci = process.env.CI === 'true';
  if (!url) {
    if (ci) throw new Error(`${suite}: DATABASE_URL must be set in CI`);
    console.warn(`skipping ${suite}: DATABASE_URL is not set (postgres://user@host:5432/db)`);
    return undefined;
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return url;
  } catch (error) {
    if (ci)
      throw new Error(`${suite}: PostgreSQL at DATABASE_URL is unreachable`, { cause: error });
    console.warn(`skipping ${suite}: PostgreSQL at DATABASE_URL is unreachable (${String(error)})`);
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A schema name no other run uses, e.g. `parley_t_contract_1a2b3c4d`. */
export function uniqueSchema(tag: string): string {
  return `parley_t_${tag.replace(/[^a-z0-9_]/g, '_')}_${randomBytes(4).toString('hex')}`;
}

/** Drops a test schema with everything in it. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}
