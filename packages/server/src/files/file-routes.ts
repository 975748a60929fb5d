import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { fileIdParam, fileInfo, fileLimits, uploadQuery } from '@parley/sdk/protocol';
import type { ErrorBody } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../http/api-error.js';
import type { Api } from '../http/api.js';
import type { FileRecord } from '../store/file-store.js';
import { parseByteRange } from './byte-range.js';
import { loadFileForReader } from './file-access.js';
import type { FileMetrics } from './file-metrics.js';
import type { FileService } from './file-service.js';

const TAGS = ['Files'];

/**
 * Headers of every download: the bytes are ciphertext and must never be interpreted by a
 * browser, whatever a malicious uploader put in them (perf.md §4.6).
 */
function setDownloadHeaders(res: Response, file: FileRecord): void {
  res.setHeader('Content-Type', 'application/octet-stream');
  res.setHeader('Content-Disposition', `attachment; filename="${file.id}.bin"`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
  res.setHeader('Cache-Control', 'private, no-cache');
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('ETag', `"${file.id}"`);
}

function unsatisfiable(res: Response, size: number): void {
  const body: ErrorBody = {
    error: { code: 'invalid_input', message: `The range lies outside the file (${size} bytes)` },
  };
  res.status(416).setHeader('Content-Range', `bytes */${size}`).json(body);
}

/**
 * Registers `GET /files/limits`, `POST /files` (streamed upload), `GET /files/:id` (download,
 * with ranges) and `DELETE /files/:id` (the uploader withdraws an unsent upload).
 */
export function registerFileRoutes(
  api: Api,
  ctx: AppContext,
  service: FileService,
  metrics: FileMetrics,
): void {
  const { files: config } = ctx.config;

  api.route(
    {
      method: 'get',
      path: '/files/limits',
      summary: "What uploads the server accepts, and the caller's usage",
      tags: TAGS,
      auth: true,
      response: { status: 200, schema: fileLimits },
    },
    async ({ auth }) => ({
      maxUploadBytes: config.maxUploadBytes,
      quotaBytes: config.quotaBytes,
      usedBytes: await ctx.store.fileUsage(auth!.userId),
      allowedTypes: config.allowedTypes,
      graceMs: config.graceSec * 1000,
    }),
  );

  api.route(
    {
      method: 'post',
      path: '/files',
      summary:
        'Upload an encrypted file for a conversation (streamed; exactly `size` bytes; kept only if a message references it within the grace period)',
      tags: TAGS,
      auth: true,
      query: uploadQuery,
      rawBody: {
        contentType: 'application/octet-stream',
        description: 'The ciphertext (cs1 chunked AES-256-GCM); exactly `size` bytes',
      },
      response: { status: 201, schema: fileInfo },
      errors: [
        'not_found',
        'payload_too_large',
        'quota_exceeded',
        'unsupported_media_type',
        'rate_limited',
      ],
    },
    async ({ auth, query, req, res }) => {
      try {
        const info = await service.upload(auth!.userId, query, req);
        metrics.uploads.inc({ outcome: 'stored' });
        metrics.uploadedBytes.inc(info.size);
        return info;
      } catch (error) {
        const code = error instanceof ApiError ? error.code : 'internal';
        metrics.uploads.inc({ outcome: code });
        // Whatever of the body is unread stays unread: the connection closes after the answer.
        if (!req.complete) res.setHeader('Connection', 'close');
        throw error;
      }
    },
  );

  api.route(
    {
      method: 'get',
      path: '/files/:id',
      summary:
        'Download an encrypted file (members of its conversation once a message references it); supports a single `Range: bytes=` range',
      tags: TAGS,
      auth: true,
      params: fileIdParam,
      response: {
        status: 200,
        description:
          'The ciphertext, as application/octet-stream with Content-Disposition: attachment',
        binary: 'application/octet-stream',
      },
      alsoResponds: [
        { status: 206, description: 'The requested range', binary: 'application/octet-stream' },
        { status: 416, description: 'The range lies outside the file' },
      ],
      errors: ['not_found'],
    },
    async ({ auth, params, req, res }) => {
      const file = await loadFileForReader(ctx, params.id, auth!.userId);
      const size = file.size;
      const range = parseByteRange(req.headers.range, size);
      setDownloadHeaders(res, file);
      if (range === 'unsatisfiable') return unsatisfiable(res, size);
      const stream = await service.blobs.read(file.blobKey, range);
      if (range) {
        res.status(206);
        res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
        res.setHeader('Content-Length', String(range.end - range.start + 1));
      } else {
        res.status(200);
        res.setHeader('Content-Length', String(size));
      }
      metrics.downloads.inc({ kind: range ? 'range' : 'full' });
      // A client that goes away ends the pipeline with an error: nothing to report then.
      await pipeline(stream, res).catch(() => undefined);
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/files/:id',
      summary: 'Withdraw an own upload that no message references yet',
      tags: TAGS,
      auth: true,
      params: fileIdParam,
      response: { status: 204 },
      errors: ['not_found', 'conflict'],
    },
    async ({ auth, params }) => {
      const file = await ctx.store.findFile(params.id);
      if (!file || file.ownerId !== auth!.userId) {
        throw new ApiError('not_found', 'No such file');
      }
      if (!(await service.remove(file, { onlyUnreferenced: true }))) {
        throw new ApiError('conflict', 'A message references this file');
      }
    },
  );
}
