import { closeSync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../store/sqlite/migrations.js';

/** The newest schema version this server knows. */
export const KNOWN_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/** What {@link inspectDatabaseFile} found. */
export type DatabaseInspection =
  { ok: true; schemaVersion: number } | { ok: false; problem: string };

/**
 * Opens a SQLite file read-only and checks that it is a sound Parley database this server can
 * run: `PRAGMA integrity_check` (or the faster `quick_check`) says `ok`, it has the migrations
 * table, and its schema version is not newer than this server knows.
 */
export function inspectDatabaseFile(path: string, quick = false): DatabaseInspection {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    return { ok: false, problem: `cannot open ${path} as a SQLite database: ${message(err)}` };
  }
  try {
    const rows = db.pragma(quick ? 'quick_check' : 'integrity_check') as Record<string, string>[];
    const findings = rows.map((row) => Object.values(row)[0]);
    if (findings.length !== 1 || findings[0] !== 'ok') {
      const shown = findings.slice(0, 3).join('; ');
      return { ok: false, problem: `${path} is damaged (integrity check: ${shown})` };
    }
    const table = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
      .get();
    if (!table) return { ok: false, problem: `${path} is not a Parley database (no schema table)` };
    const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as {
      v: number | null;
    };
    const schemaVersion = row.v ?? 0;
    if (schemaVersion > KNOWN_SCHEMA_VERSION) {
      return {
        ok: false,
        problem: `${path} has schema version ${schemaVersion}, newer than this server knows (${KNOWN_SCHEMA_VERSION}): upgrade parley-server first`,
      };
    }
    return { ok: true, schemaVersion };
  } catch (err) {
    return { ok: false, problem: `cannot read ${path}: ${message(err)}` };
  } finally {
    db.close();
  }
}

/** Flushes a file, then its folder's entry, to stable storage (a rename is durable after it). */
export function fsyncFileAndFolder(path: string): void {
  for (const target of [path, dirname(path)]) {
    const fd = openSync(target, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

/** The message of an unknown error value. */
export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
