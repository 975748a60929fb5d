import type { Migration } from './migrations.js';

/**
 * Metadata of uploaded (encrypted) files (DESIGN §7). Released as migration 4; never edit once
 * shipped.
 *
 * - `blob_key` is the blob store's server-generated name for the bytes; nothing from the
 *   request ever becomes part of a path.
 * - `msg_id` is the message that references the file (NULL until one does); the partial index
 *   serves the cleanup of unreferenced uploads.
 * - No foreign keys: a file outlives neither its blob nor its record, and the cleanup job owns
 *   both deletions.
 */
export const MIGRATION_004_FILES: Migration = {
  version: 4,
  name: 'file attachments',
  sql: `
    CREATE TABLE files (
      id         TEXT PRIMARY KEY,
      owner_id   TEXT NOT NULL,
      conv_id    TEXT NOT NULL,
      blob_key   TEXT NOT NULL UNIQUE,
      size       INTEGER NOT NULL CHECK (size >= 0),
      mime       TEXT NOT NULL,
      state      TEXT NOT NULL CHECK (state IN ('uploading', 'ready')),
      msg_id     TEXT,
      created_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX files_by_owner ON files(owner_id);
    CREATE INDEX files_unreferenced ON files(created_at) WHERE msg_id IS NULL;
  `,
};
