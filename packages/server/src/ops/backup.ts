import { closeSync, existsSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../store/sqlite/open-database.js';
import {
  EXIT,
  UsageError,
  commandConfig,
  formatBytes,
  readCommandLine,
} from './command-context.js';
import type { CommandOutput } from './command-context.js';
import { fsyncFileAndFolder, inspectDatabaseFile, message } from './database-file.js';

/** Help text of `parley-server backup`. */
export const BACKUP_HELP = `Usage: parley-server backup <file> [--data-dir <path>] [--force]

Writes a consistent copy of <data-dir>/parley.db to <file>, safe while the server runs: the copy
is one read transaction (SQLite's VACUUM INTO), so it holds every message acknowledged before the
backup started and never half a write. The copy is checked (integrity_check) before it replaces
<file>. --force overwrites an existing <file>.`;

/**
 * `parley-server backup <file>`: an online backup of the SQLite database.
 *
 * `VACUUM INTO` rather than the page-by-page backup API: it reads through one WAL snapshot, so
 * writers are never blocked and a busy server cannot make it restart forever, and the copy comes
 * out compacted. It is written under a temporary name, created 0600 before SQLite fills it (the
 * database holds the token-signing key), verified, flushed, then renamed into place.
 */
export async function backupCommand(
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: CommandOutput,
): Promise<number> {
  const line = readCommandLine(argv, env, { force: { type: 'boolean' } });
  if (line.extra.help) {
    io.out(BACKUP_HELP);
    return EXIT.ok;
  }
  const [file, ...more] = line.positionals;
  if (file === undefined || more.length > 0) throw new UsageError('backup takes one <file>');
  const config = commandConfig(line.input);
  if (config.databaseUrl) {
    io.err('DATABASE_URL is set: back up PostgreSQL with pg_dump (this command copies SQLite).');
    return EXIT.failed;
  }
  const source = join(config.dataDir, DATABASE_FILE);
  if (!existsSync(source)) {
    io.err(`There is no database at ${source}. Check --data-dir (DATA_DIR).`);
    return EXIT.failed;
  }
  const target = resolve(file);
  if (target === resolve(source)) throw new UsageError('the backup cannot replace the database');
  if (existsSync(target) && line.extra.force !== true) {
    io.err(`${target} already exists; pass --force to overwrite it.`);
    return EXIT.failed;
  }

  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  closeSync(openSync(partial, 'wx', 0o600));
  try {
    const db = new Database(source, { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 10000');
      db.prepare('VACUUM INTO ?').run(partial);
    } finally {
      db.close();
    }
    const check = inspectDatabaseFile(partial);
    if (!check.ok) {
      io.err(`The copy failed its check, nothing was written to ${target}: ${check.problem}`);
      return EXIT.failed;
    }
    fsyncFileAndFolder(partial);
    renameSync(partial, target);
    fsyncFileAndFolder(target);
    io.out(
      `Backed up ${source} to ${target} (${formatBytes(statSync(target).size)}, schema version ${check.schemaVersion}, integrity ok).`,
    );
    if (existsSync(join(config.dataDir, 'files'))) {
      io.out(
        `Uploaded files are not in this copy: copy ${join(config.dataDir, 'files')} after it (files are written once, never changed).`,
      );
    }
    return EXIT.ok;
  } catch (err) {
    io.err(`Backup failed: ${message(err)}`);
    return EXIT.failed;
  } finally {
    rmSync(partial, { force: true });
  }
}
