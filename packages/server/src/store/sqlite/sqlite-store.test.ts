import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runStoreContract } from '../contract.js';
import { MIGRATIONS, currentVersion, runMigrations } from './migrations.js';
import type { Migration } from './migrations.js';
import { DATABASE_FILE } from './open-database.js';
import { createSqliteStore } from './sqlite-store.js';

const tempDir = () => mkdtemp(join(tmpdir(), 'parley-store-'));

runStoreContract('sqlite', async () => {
  const dir = await tempDir();
  const store = await createSqliteStore({ dataDir: dir });
  return {
    store,
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

// The server's configuration: the message append on the writer thread, the rest on the loop.
runStoreContract('sqlite (writer thread)', async () => {
  const dir = await tempDir();
  const store = await createSqliteStore({ dataDir: dir, writerThread: true });
  return {
    store,
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('createSqliteStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('opens with WAL, synchronous=FULL, a busy timeout, foreign keys and secure delete', async () => {
    const store = await createSqliteStore({ dataDir: dir });
    const pragma = (name: string) => store.db.pragma(name, { simple: true });
    expect(pragma('journal_mode')).toBe('wal');
    expect(pragma('synchronous')).toBe(2); // FULL
    expect(pragma('busy_timeout')).toBe(5000);
    expect(pragma('foreign_keys')).toBe(1);
    expect(pragma('secure_delete')).toBe(1);
    await store.close();
  });

  it('creates a private data folder and database file', async () => {
    const dataDir = join(dir, 'nested', 'data');
    const store = await createSqliteStore({ dataDir });
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dataDir, DATABASE_FILE))).mode & 0o777).toBe(0o600);
    await store.close();
  });

  it('records every migration and keeps data and secrets across reopen', async () => {
    const first = await createSqliteStore({ dataDir: dir });
    expect(currentVersion(first.db)).toBe(MIGRATIONS.length);
    const secret = await first.getOrCreateSecret('jwt', 32);
    await first.close();
    const second = await createSqliteStore({ dataDir: dir });
    expect(await second.getOrCreateSecret('jwt', 32)).toEqual(secret);
    const rows = second.db.prepare('SELECT version FROM schema_migrations').all();
    expect(rows).toHaveLength(MIGRATIONS.length);
    await second.close();
  });

  it('refuses a database written by a newer server', async () => {
    const store = await createSqliteStore({ dataDir: dir });
    store.db
      .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
      .run(MIGRATIONS.length + 1, 'from the future', 0);
    await store.close();
    await expect(createSqliteStore({ dataDir: dir })).rejects.toThrow(/newer than this server/);
  });
});

describe('runMigrations', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(':memory:');
  });
  afterEach(() => db.close());

  it('applies pending migrations once, in order', () => {
    const migrations: Migration[] = [
      { version: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER)' },
      { version: 2, name: 'b', sql: 'CREATE TABLE b (x INTEGER)' },
    ];
    expect(runMigrations(db, migrations.slice(0, 1))).toEqual([1]);
    expect(runMigrations(db, migrations)).toEqual([2]);
    expect(runMigrations(db, migrations)).toEqual([]);
  });

  it('rolls back a failing migration entirely and leaves its version unrecorded', () => {
    const migrations: Migration[] = [
      { version: 1, name: 'ok', sql: 'CREATE TABLE a (x INTEGER)' },
      {
        version: 2,
        name: 'broken',
        sql: 'CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);',
      },
    ];
    expect(() => runMigrations(db, migrations)).toThrow(/nowhere/);
    expect(currentVersion(db)).toBe(1);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").all();
    expect(tables).toEqual([]);
  });

  it('rejects a migration list with a gap', () => {
    const gap: Migration[] = [{ version: 2, name: 'x', sql: 'SELECT 1' }];
    expect(() => runMigrations(db, gap)).toThrow(RangeError);
  });
});
