import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { BlobNotFoundError } from './blob-store.js';
import type { BlobStore, BlobWriter } from './blob-store.js';

/** Keys are 32 lower-case hex characters (16 random bytes); nothing else is ever a path. */
const KEY = /^[0-9a-f]{32}$/;
const TMP = 'tmp';

function assertKey(key: string): void {
  // Keys come from our own database, but a path is built from them: refuse anything else.
  if (!KEY.test(key)) throw new BlobNotFoundError(key);
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/**
 * A {@link BlobStore} on the local filesystem under `root` (normally `DATA_DIR/files`). A blob
 * with key `0a1b…` lives at `root/0a/1b/0a1b…`: two levels of 256 folders keep directories
 * small. Writes go to `root/tmp/<key>.part` and are fsynced and renamed into place on commit,
 * so a crash or an aborted upload never leaves a partial blob under a real key; folders are
 * created mode 0700 and files 0600.
 */
export function createFsBlobStore(root: string): BlobStore {
  const tmpDir = join(root, TMP);
  const pathOf = (key: string): string => {
    assertKey(key);
    return join(root, key.slice(0, 2), key.slice(2, 4), key);
  };
  let ready: Promise<unknown> | undefined;
  const ensureTmp = () => (ready ??= mkdir(tmpDir, { recursive: true, mode: 0o700 }));

  return {
    async create(): Promise<BlobWriter> {
      await ensureTmp();
      const key = randomBytes(16).toString('hex');
      const tmp = join(tmpDir, `${key}.part`);
      const stream = createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
      let settled = false;
      const abort = async (): Promise<void> => {
        settled = true;
        if (!stream.destroyed) stream.destroy();
        await finished(stream).catch(() => undefined);
        await unlink(tmp).catch((error: unknown) => {
          if (!isMissing(error)) throw error;
        });
      };
      return {
        key,
        stream,
        async commit() {
          if (settled) throw new Error('blob writer already settled');
          settled = true;
          try {
            if (!stream.writableEnded) stream.end();
            await finished(stream);
            const handle = await open(tmp, 'r');
            try {
              await handle.sync();
            } finally {
              await handle.close();
            }
            const target = pathOf(key);
            await mkdir(join(target, '..'), { recursive: true, mode: 0o700 });
            await rename(tmp, target);
          } catch (error) {
            await abort();
            throw error;
          }
        },
        abort,
      };
    },

    async read(key, range) {
      const path = pathOf(key);
      const handle = await open(path, 'r').catch((error: unknown) => {
        throw isMissing(error) ? new BlobNotFoundError(key) : error;
      });
      return createReadStream('', {
        fd: handle,
        ...(range ? { start: range.start, end: range.end } : {}),
        highWaterMark: 256 * 1024,
      });
    },

    async size(key) {
      try {
        return (await stat(pathOf(key))).size;
      } catch (error) {
        throw isMissing(error) ? new BlobNotFoundError(key) : error;
      }
    },

    async delete(key) {
      await unlink(pathOf(key)).catch((error: unknown) => {
        if (!isMissing(error)) throw error;
      });
    },

    async sweepIncomplete(olderThanMs) {
      let names: string[];
      try {
        names = await readdir(tmpDir);
      } catch (error) {
        if (isMissing(error)) return 0;
        throw error;
      }
      let removed = 0;
      for (const name of names) {
        const path = join(tmpDir, name);
        const info = await stat(path).catch(() => undefined);
        if (info && Date.now() - info.mtimeMs > olderThanMs) {
          await rm(path, { force: true });
          removed++;
        }
      }
      return removed;
    },
  };
}
