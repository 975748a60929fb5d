import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Gauge } from 'prom-client';
import type { AppContext } from '../app-context.js';

/** How long a measured size of the files folder is reused: walking it is not free. */
export const FOLDER_SIZE_TTL_MS = 5 * 60 * 1000;

/** Total size of the regular files under `dir` (0 when it does not exist). */
export async function folderSize(dir: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let total = 0;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await folderSize(path);
    else if (entry.isFile()) total += (await stat(path).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

/**
 * Registers storage usage in `/metrics`: `parley_storage_database_bytes` (read from the store at
 * scrape time: the SQLite file and its WAL, or the PostgreSQL database) and, when the data folder
 * has a `files/` folder, `parley_storage_files_bytes` (its size on disk, measured at most every
 * {@link FOLDER_SIZE_TTL_MS}).
 */
export function registerStorageMetrics(ctx: AppContext): void {
  const registers = [ctx.metrics.registry];
  const { store } = ctx;
  new Gauge({
    name: 'parley_storage_database_bytes',
    help: 'Bytes the database takes on disk',
    registers,
    async collect() {
      this.set(await store.databaseSize());
    },
  });
  const filesDir = join(ctx.config.dataDir, 'files');
  let measured: { at: number; bytes: number } | undefined;
  new Gauge({
    name: 'parley_storage_files_bytes',
    help: 'Bytes of the files folder on disk (0 when there is none)',
    registers,
    async collect() {
      const now = ctx.now();
      if (measured === undefined || now - measured.at > FOLDER_SIZE_TTL_MS) {
        measured = { at: now, bytes: existsSync(filesDir) ? await folderSize(filesDir) : 0 };
      }
      this.set(measured.bytes);
    },
  });
}
