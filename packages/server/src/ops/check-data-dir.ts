import { constants, existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { access, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DATABASE_FILE } from '../store/sqlite/open-database.js';
import { formatBytes } from './command-context.js';
import { inspectDatabaseFile, message } from './database-file.js';
import { ok, problem, warning } from './finding.js';
import type { Finding } from './finding.js';

/** Free space below which the server is likely to fail soon (a problem). */
export const MIN_FREE_BYTES = 100 * 1024 * 1024;
/** Free space below which the operator should act (a warning). */
export const LOW_FREE_BYTES = 1024 * 1024 * 1024;

const SUBJECT = 'data folder';

/**
 * Checks the data folder the way the server will use it: it exists (or can be created), the
 * server's user can create files in it (tried for real: root, ACLs and read-only mounts make
 * permission bits alone misleading), it is private, it has free space, and the database in it,
 * if any, is sound and not from a newer server.
 */
export async function checkDataDir(dataDir: string): Promise<Finding[]> {
  if (!existsSync(dataDir)) return [await missingFolder(dataDir)];
  const stat = statSync(dataDir);
  if (!stat.isDirectory()) return [problem(SUBJECT, `${dataDir} exists but is not a folder.`)];
  const findings: Finding[] = [writable(dataDir)];
  if ((stat.mode & 0o077) !== 0) {
    findings.push(
      warning(
        SUBJECT,
        `${dataDir} can be read by other users (mode ${(stat.mode & 0o777).toString(8)}); the database holds the token-signing key: chmod 700 ${dataDir}`,
      ),
    );
  }
  findings.push(await freeSpace(dataDir));
  const database = join(dataDir, DATABASE_FILE);
  if (existsSync(database)) findings.push(databaseFinding(database));
  else findings.push(ok('database', `no database yet; the server creates ${database} at start`));
  return findings;
}

async function missingFolder(dataDir: string): Promise<Finding> {
  const parent = dirname(dataDir);
  try {
    await access(parent, constants.W_OK);
    return ok(SUBJECT, `${dataDir} does not exist yet; the server creates it at start`);
  } catch {
    return problem(
      SUBJECT,
      `${dataDir} does not exist and cannot be created in ${parent}: create it and give the server's user write access.`,
    );
  }
}

function writable(dataDir: string): Finding {
  const probe = join(dataDir, `.doctor-${process.pid}`);
  try {
    writeFileSync(probe, '', { mode: 0o600 });
    rmSync(probe, { force: true });
    return ok(SUBJECT, `${dataDir} is writable`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EROFS'
          ? 'the disk is mounted read-only'
          : message(err);
    return problem(
      SUBJECT,
      `The server cannot write to ${dataDir} (${why}). Give the user that runs the server write access, e.g. chown that user ${dataDir}.`,
    );
  }
}

async function freeSpace(dataDir: string): Promise<Finding> {
  try {
    const fs = await statfs(dataDir);
    const free = fs.bavail * fs.bsize;
    const text = `${formatBytes(free)} free on the disk holding ${dataDir}`;
    if (free < MIN_FREE_BYTES)
      return problem('free space', `Only ${text}: writes will soon fail. Free some space.`);
    if (free < LOW_FREE_BYTES) return warning('free space', `Only ${text}.`);
    return ok('free space', text);
  } catch (err) {
    return warning('free space', `could not read the free space of ${dataDir}: ${message(err)}`);
  }
}

function databaseFinding(database: string): Finding {
  const check = inspectDatabaseFile(database, true);
  if (!check.ok) return problem('database', check.problem);
  return ok('database', `${database} is sound (schema version ${check.schemaVersion})`);
}
