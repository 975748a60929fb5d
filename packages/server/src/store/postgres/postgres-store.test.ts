import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStoreContract } from '../contract.js';
import { createPostgresStore } from './postgres-store.js';
import { PG_MIGRATIONS, runPgMigrations } from './migrations.js';
import { dropSchema, testDatabaseUrl, uniqueSchema } from './test-database.js';

const url = await testDatabaseUrl('PostgreSQL store tests');

describe.skipIf(!url)('PostgreSQL store', () => {
  const dbUrl = url ?? '';

  runStoreContract('postgres', async () => {
    const schema = uniqueSchema('contract');
    const store = await createPostgresStore({ connectionString: dbUrl, schema, poolSize: 4 });
    return {
      store,
      async cleanup() {
        await store.close();
        await dropSchema(dbUrl, schema);
      },
    };
  });

  describe('migrations', () => {
    const schema = uniqueSchema('migrations');
    afterAll(() => dropSchema(dbUrl, schema));

    it('apply once when several nodes start at the same time', async () => {
      const stores = await Promise.all(
        [1, 2, 3].map(() => createPostgresStore({ connectionString: dbUrl, schema, poolSize: 2 })),
      );
      const [first] = stores;
      const rows = await first!.db.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((m) => m.version));
      expect(await runPgMigrations(first!.db)).toEqual([]);
      // Every node reads the same secret, whoever created it.
      const secrets = await Promise.all(stores.map((s) => s.getOrCreateSecret('jwt', 32)));
      expect(secrets[1]).toEqual(secrets[0]);
      expect(secrets[2]).toEqual(secrets[0]);
      await Promise.all(stores.map((s) => s.close()));
    });

    it('key the send-idempotency index client id first, so UUIDv7 ids append (migration 6)', async () => {
      const store = await createPostgresStore({ connectionString: dbUrl, schema });
      const [index] = await store.db.query<{ indexdef: string }>(
        `SELECT indexdef FROM pg_indexes WHERE schemaname = $1
          AND indexname = 'events_by_client_msg_id'`,
        [schema],
      );
      expect(index?.indexdef).toMatch(/UNIQUE INDEX .*\(client_msg_id, sender\) WHERE/);
      await store.close();
    });

    it('refuses a schema written by a newer server', async () => {
      const store = await createPostgresStore({ connectionString: dbUrl, schema });
      await store.db.query(
        'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, 0)',
        [PG_MIGRATIONS.length + 1, 'from the future'],
      );
      await store.close();
      await expect(createPostgresStore({ connectionString: dbUrl, schema })).rejects.toThrow(
        /newer than this server/,
      );
    });
  });

  describe('schema names', () => {
    beforeAll(() => undefined);
    it('rejects a schema name that is not a plain identifier', async () => {
      await expect(
        createPostgresStore({ connectionString: dbUrl, schema: 'x; DROP TABLE users' }),
      ).rejects.toThrow(RangeError);
    });
  });
});
