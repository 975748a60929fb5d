import type { FileStore } from '../file-store.js';
import { toFile } from '../sqlite/file-queries.js';
import type { FileRow } from '../sqlite/file-queries.js';
import type { Database } from './database.js';

const USAGE = 'SELECT COALESCE(SUM(size), 0)::bigint AS bytes FROM files WHERE owner_id = $1';

/** Signals a partial reference inside the transaction, to roll it back. */
class NotReferenced extends Error {}

/** The file-metadata half of the store on PostgreSQL. */
export function createPgFileQueries(db: Database): FileStore {
  return {
    async reserveFile(file, quotaBytes) {
      return db.transaction(async (client) => {
        // Uploads of one owner on any node queue here, so together they cannot pass the quota.
        await client.query("SELECT pg_advisory_xact_lock(hashtext('parley-files:' || $1))", [
          file.ownerId,
        ]);
        const { rows } = await client.query<{ bytes: number }>(USAGE, [file.ownerId]);
        if (rows[0]!.bytes + file.size > quotaBytes) return false;
        await client.query(
          `INSERT INTO files (id, owner_id, conv_id, blob_key, size, mime, state, msg_id,
            created_at) VALUES ($1, $2, $3, $4, $5, $6, 'uploading', NULL, $7)`,
          [file.id, file.ownerId, file.convId, file.blobKey, file.size, file.mime, file.createdAt],
        );
        return true;
      });
    },
    async completeFile(id) {
      const result = await db.pool.query(
        "UPDATE files SET state = 'ready' WHERE id = $1 AND state = 'uploading'",
        [id],
      );
      return result.rowCount === 1;
    },
    async findFile(id) {
      const [row] = await db.query<FileRow>('SELECT * FROM files WHERE id = $1', [id]);
      return row ? toFile(row) : undefined;
    },
    async referenceFiles(ref) {
      try {
        await db.transaction(async (client) => {
          for (const id of new Set(ref.fileIds)) {
            const result = await client.query(
              `UPDATE files SET msg_id = $1 WHERE id = $2 AND owner_id = $3 AND conv_id = $4
                AND state = 'ready' AND (msg_id IS NULL OR msg_id = $1)`,
              [ref.msgId, id, ref.ownerId, ref.convId],
            );
            if (result.rowCount !== 1) throw new NotReferenced();
          }
        });
        return true;
      } catch (error) {
        if (error instanceof NotReferenced) return false;
        throw error;
      }
    },
    async listFilesOfMessage(convId, msgId) {
      const rows = await db.query<FileRow>(
        'SELECT * FROM files WHERE conv_id = $1 AND msg_id = $2 ORDER BY created_at, id',
        [convId, msgId],
      );
      return rows.map(toFile);
    },
    async fileUsage(ownerId) {
      const [row] = await db.query<{ bytes: number }>(USAGE, [ownerId]);
      return row!.bytes;
    },
    async listUnreferencedFiles(createdBefore, limit) {
      const rows = await db.query<FileRow>(
        `SELECT * FROM files WHERE msg_id IS NULL AND created_at < $1
          ORDER BY created_at LIMIT $2`,
        [createdBefore, limit],
      );
      return rows.map(toFile);
    },
    async deleteFile(id, options = {}) {
      const sql = options.onlyUnreferenced
        ? 'DELETE FROM files WHERE id = $1 AND msg_id IS NULL'
        : 'DELETE FROM files WHERE id = $1';
      return (await db.pool.query(sql, [id])).rowCount === 1;
    },
    async fileTotals(limit) {
      const [sum] = await db.query<{ files: number; bytes: number }>(
        'SELECT COUNT(*) AS files, COALESCE(SUM(size), 0)::bigint AS bytes FROM files',
      );
      const topUsers = await db.query<{ userId: string; bytes: number }>(
        `SELECT owner_id AS "userId", SUM(size)::bigint AS bytes FROM files
          GROUP BY owner_id ORDER BY bytes DESC, owner_id LIMIT $1`,
        [limit],
      );
      return { files: sum!.files, bytes: sum!.bytes, topUsers };
    },
  };
}
