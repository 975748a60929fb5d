import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { FileInfo, UploadQuery } from '@parley/sdk/protocol';
import { isTypeAllowed } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import { loadForMember } from '../conversations/access.js';
import { createUserLimiter } from '../conversations/user-limiter.js';
import type { UserLimiter } from '../conversations/user-limiter.js';
import { ApiError } from '../http/api-error.js';
import type { FileRecord } from '../store/file-store.js';
import type { BlobStore } from './blob-store.js';
import { createFsBlobStore } from './fs-blob-store.js';
import { receiveUpload } from './receive-upload.js';

/** Uploads and deletions of files, for one server. */
export interface FileService {
  readonly blobs: BlobStore;
  /**
   * Checks an upload (type allowlist, size limit, rate, membership, quota) before reading a
   * byte of it, then streams it to the blob store.
   * @throws {ApiError} `unsupported_media_type`, `payload_too_large`, `rate_limited`,
   *   `not_found` (not a member), `quota_exceeded`, `invalid_input` (body shorter than
   *   declared, connection lost).
   */
  upload(userId: string, query: UploadQuery, req: IncomingMessage): Promise<FileInfo>;
  /** Deletes a file's record, then its bytes (record first: a racing reader gets 404). */
  remove(file: FileRecord, options?: { onlyUnreferenced?: boolean }): Promise<boolean>;
}

/** The public description of a stored file. */
export function toFileInfo(file: FileRecord): FileInfo {
  return { id: file.id, conversationId: file.convId, size: file.size, createdAt: file.createdAt };
}

const services = new WeakMap<AppContext, FileService>();

/** The file service of a server (one per {@link AppContext}), with blobs in `DATA_DIR/files`. */
export function fileService(ctx: AppContext, blobs?: BlobStore): FileService {
  let service = services.get(ctx);
  if (!service) {
    service = createFileService(
      ctx,
      blobs ?? createFsBlobStore(join(ctx.config.dataDir, 'files')),
      createUserLimiter(ctx, 'file_uploads', ctx.config.files.uploads),
    );
    services.set(ctx, service);
  }
  return service;
}

function createFileService(ctx: AppContext, blobs: BlobStore, limiter: UserLimiter): FileService {
  const { files: config } = ctx.config;

  function precheck(query: UploadQuery, req: IncomingMessage): void {
    const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/octet-stream') {
      throw new ApiError(
        'unsupported_media_type',
        'Upload the (encrypted) file as an application/octet-stream body',
      );
    }
    if (!isTypeAllowed(query.type, config.allowedTypes)) {
      throw new ApiError('unsupported_media_type', `Files of type ${query.type} are not accepted`, {
        field: 'query.type',
      });
    }
    if (query.size > config.maxUploadBytes) {
      throw new ApiError(
        'payload_too_large',
        `Uploads are limited to ${config.maxUploadBytes} bytes`,
        { field: 'query.size' },
      );
    }
    const length = req.headers['content-length'];
    if (length !== undefined && Number(length) !== query.size) {
      throw new ApiError('invalid_input', 'Content-Length differs from size', {
        field: 'query.size',
      });
    }
  }

  return {
    blobs,
    async upload(userId, query, req) {
      precheck(query, req);
      await limiter.consume(userId);
      await loadForMember(ctx, query.conversationId, userId);
      const writer = await blobs.create();
      const file = {
        id: randomBytes(16).toString('base64url'),
        ownerId: userId,
        convId: query.conversationId,
        blobKey: writer.key,
        size: query.size,
        mime: query.type,
        createdAt: ctx.now(),
      };
      let reserved = false;
      try {
        reserved = await ctx.store.reserveFile(file, config.quotaBytes);
        if (!reserved) {
          throw new ApiError(
            'quota_exceeded',
            `Your files would exceed your quota of ${config.quotaBytes} bytes`,
          );
        }
        await receiveUpload(req, writer, query.size);
        if (!(await ctx.store.completeFile(file.id))) {
          // The cleanup took the reservation: the upload outlived the grace period.
          throw new ApiError('unavailable', 'The upload took too long; send it again');
        }
        return toFileInfo({ ...file, state: 'ready', msgId: null });
      } catch (error) {
        await writer.abort();
        await blobs.delete(writer.key); // in case the commit went through
        if (reserved) await ctx.store.deleteFile(file.id);
        throw error;
      }
    },
    async remove(file, options = {}) {
      const deleted = await ctx.store.deleteFile(file.id, options);
      if (deleted) await blobs.delete(file.blobKey);
      return deleted;
    },
  };
}
