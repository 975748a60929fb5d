import { z } from 'zod';
import { declaredType } from '@parley/sdk/protocol';

const MIB = 1024 * 1024;

/** An allowlist entry: an exact type, a family (`image/*`) or `*\/*` for anything. */
const allowedType = z.union([
  declaredType,
  z.string().regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/\*$/, 'must be type/subtype, type/* or */*'),
  z.literal('*/*'),
]);

/**
 * Defaults for one self-hosted community server: photos, videos, voice notes, PDFs, archives,
 * office documents and anything the sender's client could not identify (which it declares as
 * `application/octet-stream`).
 */
export const DEFAULT_FILES_CONFIG = {
  maxUploadBytes: 128 * MIB,
  quotaBytes: 2048 * MIB,
  allowedTypes: [
    'image/*',
    'video/*',
    'audio/*',
    'text/plain',
    'application/pdf',
    'application/zip',
    'application/gzip',
    'application/x-7z-compressed',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    'application/vnd.oasis.opendocument.text',
    'application/vnd.oasis.opendocument.spreadsheet',
    'application/octet-stream',
  ],
  graceSec: 24 * 3600,
  cleanupIntervalSec: 10 * 60,
  uploads: { points: 60, durationSec: 60 },
} as const;

/**
 * Settings of file attachments (`files` in the server configuration; DESIGN §7). Every field
 * has a default, so a partial object overrides only what it names.
 */
export const filesConfigSchema = z.object({
  /** Largest upload in bytes of ciphertext (about 16 bytes per 64 KiB above the plaintext). */
  maxUploadBytes: z.number().int().min(0).default(DEFAULT_FILES_CONFIG.maxUploadBytes),
  /** Bytes of stored files per user, uploads in progress included. */
  quotaBytes: z.number().int().min(0).default(DEFAULT_FILES_CONFIG.quotaBytes),
  /** Declared types accepted; see {@link DEFAULT_FILES_CONFIG}. */
  allowedTypes: z
    .array(allowedType)
    .min(1)
    .default([...DEFAULT_FILES_CONFIG.allowedTypes]),
  /** Seconds an upload no message references is kept before the cleanup removes it. */
  graceSec: z.number().int().positive().default(DEFAULT_FILES_CONFIG.graceSec),
  /** Seconds between two runs of the cleanup job. */
  cleanupIntervalSec: z.number().int().positive().default(DEFAULT_FILES_CONFIG.cleanupIntervalSec),
  /** Uploads per user: `points` per `durationSec` seconds. */
  uploads: z
    .object({ points: z.number().int().positive(), durationSec: z.number().int().positive() })
    .default(DEFAULT_FILES_CONFIG.uploads),
});

/** The file-attachment settings. */
export type FilesConfig = z.output<typeof filesConfigSchema>;

/** Environment variables of the file settings, by config key. */
export const FILES_ENV: Readonly<Record<string, keyof FilesConfig>> = {
  UPLOAD_MAX_BYTES: 'maxUploadBytes',
  UPLOAD_QUOTA_BYTES: 'quotaBytes',
  UPLOAD_ALLOWED_TYPES: 'allowedTypes',
  UPLOAD_GRACE_SEC: 'graceSec',
};
