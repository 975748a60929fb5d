import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../store/sqlite/open-database.js';
import { EXIT, UsageError, commandConfig, readCommandLine } from './command-context.js';
import type { CommandOutput } from './command-context.js';
import { fsyncFileAndFolder, inspectDatabaseFile, message } from './database-file.js';
import { liveServers } from './run-marker.js';

/** Help text of `parley-server restore`. */
export const RESTORE_HELP = `Usage: parley-server restore <file> [--data-dir <path>]

Replaces <data-dir>/parley.db with the backup <file>. Stop the server first: the command refuses
while a server runs on the data folder. The backup is checked (integrity_check, and a schema
version this server knows) before anything changes; the current database is kept beside it as
parley.db.before-restore-<time>. An older backup is upgraded by the server's migrations at start.`;

/**
 * `parley-server restore <file>`: swaps a checked backup in for the database.
 *
 * Order matters for "nothing acked is lost" on the way back too: the current database is first
 * checkpointed (its WAL folded in) so the copy kept aside is complete on its own, then moved
 * aside, and only then is the verified copy renamed into place.
 */
export async function restoreCommand(
  argv: string[],
  env: NodeJS.ProcessEnv,
  io: CommandOutput,
  now: () => number = Date.now,
): Promise<number> {
  const line = readCommandLine(argv, env);
  if (line.extra.help) {
    io.out(RESTORE_HELP);
    return EXIT.ok;
  }
  const [file, ...more] = line.positionals;
  if (file === undefined || more.length > 0) throw new UsageError('restore takes one <file>');
  const config = commandConfig(line.input);
  if (config.databaseUrl) {
    io.err(
      'DATABASE_URL is set: restore PostgreSQL with pg_restore (this command restores SQLite).',
    );
    return EXIT.failed;
  }
  const running = liveServers(config.dataDir);
  if (running.length > 0) {
    const list = running.map((r) => `pid ${r.pid} on ${r.host} at ${r.url}`).join(', ');
    io.err(`A server is running on ${config.dataDir} (${list}). Stop it, then run restore again.`);
    return EXIT.failed;
  }
  const backup = resolve(file);
  if (!existsSync(backup)) {
    io.err(`There is no file at ${backup}.`);
    return EXIT.failed;
  }
  const check = inspectDatabaseFile(backup);
  if (!check.ok) {
    io.err(`Not restored, the database was left as it was: ${check.problem}`);
    return EXIT.failed;
  }

  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const live = join(config.dataDir, DATABASE_FILE);
  const incoming = `${live}.restoring`;
  let aside: string | undefined;
  try {
    copyFileSync(backup, incoming);
    chmodSync(incoming, 0o600);
    fsyncFileAndFolder(incoming);
    if (existsSync(live)) {
      checkpoint(live);
      aside = `${live}.before-restore-${new Date(now()).toISOString().replace(/[:.]/g, '-')}`;
      renameSync(live, aside);
    }
    // The old WAL was folded in above; a leftover one must never be applied to the new file.
    for (const suffix of ['-wal', '-shm']) rmSync(`${live}${suffix}`, { force: true });
    renameSync(incoming, live);
    fsyncFileAndFolder(live);
    io.out(`Restored ${backup} into ${live} (schema version ${check.schemaVersion}).`);
    if (aside) io.out(`The previous database is kept as ${aside}; delete it once you are sure.`);
    return EXIT.ok;
  } catch (err) {
    rmSync(incoming, { force: true });
    // Put the previous database back if it was already moved aside.
    if (aside !== undefined && !existsSync(live) && existsSync(aside)) renameSync(aside, live);
    io.err(`Restore failed, the database was left as it was: ${message(err)}`);
    return EXIT.failed;
  }
}

/** Folds the WAL into the main file, so the file alone is the whole database. */
function checkpoint(path: string): void {
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}
