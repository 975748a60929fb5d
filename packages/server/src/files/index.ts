/**
 * Encrypted file attachments (DESIGN §7): streamed uploads into a blob store under
 * server-generated names, per-user quota and rate, a type allowlist, downloads for the members
 * of the conversation whose message references the file, and the cleanup of uploads no
 * message took.
 */
import type { AppContext } from '../app-context.js';
import type { Api } from '../http/api.js';
import { registerFileMetrics } from './file-metrics.js';
import { registerFileRoutes } from './file-routes.js';
import { fileService } from './file-service.js';

export type { BlobStore, BlobWriter } from './blob-store.js';
export { BlobNotFoundError } from './blob-store.js';
export { createFsBlobStore } from './fs-blob-store.js';
export { attachFiles, checkFileClaim } from './file-references.js';
export type { FileClaim } from './file-references.js';
export { removeUnreferencedFiles, scheduleFileCleanup } from './file-cleanup.js';
export { fileService } from './file-service.js';
export type { FileService } from './file-service.js';
export { DEFAULT_FILES_CONFIG, filesConfigSchema } from './files-config.js';
export type { FilesConfig } from './files-config.js';

/**
 * Registers the file routes under `/api/v1` (`GET /files/limits`, `POST /files`,
 * `GET|DELETE /files/:id`) and their metrics. The cleanup of unreferenced uploads is scheduled
 * by the server (`scheduleFileCleanup`), next to its other periodic jobs.
 */
export function registerFileRoutesAndMetrics(api: Api, ctx: AppContext): void {
  registerFileRoutes(api, ctx, fileService(ctx), registerFileMetrics(ctx));
}
