import type { Database } from 'better-sqlite3';
import type { FileRecord, FileState, FileStore } from '../file-store.js';

/** A `files` row as better-sqlite3 (and the PostgreSQL pool, BIGINT as number) returns it. */
export interface FileRow {
  id: string;
  owner_id: string;
  conv_id: string;
  blob_key: string;
  size: number;
  mime: string;
  state: FileState;
  msg_id: string | null;
  created_at: number;
}

/** Maps a `files` row to the store's record. */
export function toFile(row: FileRow): FileRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    convId: row.conv_id,
    blobKey: row.blob_key,
    size: row.size,
    mime: row.mime,
    state: row.state,
    msgId: row.msg_id,
    createdAt: row.created_at,
  };
}

/** Builds the file-metadata queries over an open, migrated database. */
export function createFileQueries(db: Database): FileStore {
  const usage = db.prepare('SELECT COALESCE(SUM(size), 0) AS bytes FROM files WHERE owner_id = ?');
  const insert = db.prepare(`INSERT INTO files (id, owner_id, conv_id, blob_key, size, mime,
    state, msg_id, created_at) VALUES (?, ?, ?, ?, ?, ?, 'uploading', NULL, ?)`);
  const complete = db.prepare(
    "UPDATE files SET state = 'ready' WHERE id = ? AND state = 'uploading'",
  );
  const select = db.prepare('SELECT * FROM files WHERE id = ?');
  const reference = db.prepare(`UPDATE files SET msg_id = @msgId WHERE id = @id
    AND owner_id = @ownerId AND conv_id = @convId AND state = 'ready'
    AND (msg_id IS NULL OR msg_id = @msgId)`);
  const ofMessage = db.prepare('SELECT * FROM files WHERE conv_id = ? AND msg_id = ?');
  const unreferenced = db.prepare(`SELECT * FROM files WHERE msg_id IS NULL AND created_at < ?
    ORDER BY created_at LIMIT ?`);
  const remove = db.prepare('DELETE FROM files WHERE id = ?');
  const removeUnreferenced = db.prepare('DELETE FROM files WHERE id = ? AND msg_id IS NULL');
  const totals = db.prepare('SELECT COUNT(*) AS files, COALESCE(SUM(size), 0) AS bytes FROM files');
  const top = db.prepare(`SELECT owner_id AS userId, SUM(size) AS bytes FROM files
    GROUP BY owner_id ORDER BY bytes DESC, owner_id LIMIT ?`);

  const reserve = db.transaction((file: Parameters<FileStore['reserveFile']>[0], quota: number) => {
    const { bytes } = usage.get(file.ownerId) as { bytes: number };
    if (bytes + file.size > quota) return false;
    insert.run(
      file.id,
      file.ownerId,
      file.convId,
      file.blobKey,
      file.size,
      file.mime,
      file.createdAt,
    );
    return true;
  });
  const referenceAll = db.transaction((ref: Parameters<FileStore['referenceFiles']>[0]) => {
    for (const id of new Set(ref.fileIds)) {
      const { changes } = reference.run({ ...ref, id });
      if (changes !== 1) throw new NotReferenced();
    }
  });

  return {
    async reserveFile(file, quotaBytes) {
      return reserve.immediate(file, quotaBytes);
    },
    async completeFile(id) {
      return complete.run(id).changes === 1;
    },
    async findFile(id) {
      const row = select.get(id) as FileRow | undefined;
      return row ? toFile(row) : undefined;
    },
    async referenceFiles(ref) {
      try {
        referenceAll.immediate(ref);
        return true;
      } catch (error) {
        if (error instanceof NotReferenced) return false;
        throw error;
      }
    },
    async listFilesOfMessage(convId, msgId) {
      return (ofMessage.all(convId, msgId) as FileRow[]).map(toFile);
    },
    async fileUsage(ownerId) {
      return (usage.get(ownerId) as { bytes: number }).bytes;
    },
    async listUnreferencedFiles(createdBefore, limit) {
      return (unreferenced.all(createdBefore, limit) as FileRow[]).map(toFile);
    },
    async deleteFile(id, options = {}) {
      return (options.onlyUnreferenced ? removeUnreferenced : remove).run(id).changes === 1;
    },
    async fileTotals(limit) {
      const sum = totals.get() as { files: number; bytes: number };
      const topUsers = top.all(limit) as Array<{ userId: string; bytes: number }>;
      return { files: sum.files, bytes: sum.bytes, topUsers };
    },
  };
}

/** Thrown inside the transaction to roll back a partial reference. */
class NotReferenced extends Error {}
