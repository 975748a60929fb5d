import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../http/api-error.js';
import type { BlobWriter } from './blob-store.js';

/**
 * Streams a request body into a blob writer, never holding more than a few stream buffers in
 * memory. The body must be exactly `size` bytes: at the first byte past it the upload stops
 * (`payload_too_large`; the caller answers with `Connection: close` so the rest is never read
 * into anything), fewer (the client went away or lied) and it fails; in every failure the
 * partial blob is deleted, so nothing is left on disk.
 *
 * @throws {ApiError} `payload_too_large`, or `invalid_input` when the body is shorter than
 *   declared or the connection ended early.
 */
export async function receiveUpload(
  req: IncomingMessage,
  writer: BlobWriter,
  size: number,
): Promise<void> {
  let received = 0;
  // `destroyOnReturn: false`: stopping early must not destroy the request, or the 413 could
  // not be sent on its socket.
  async function* limited(): AsyncGenerator<Buffer> {
    for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > size) {
        throw new ApiError('payload_too_large', 'The body is longer than its declared size');
      }
      yield chunk;
    }
  }
  try {
    await pipeline(limited, writer.stream);
    if (!req.complete || received !== size) {
      throw new ApiError('invalid_input', `The body has ${received} bytes but size says ${size}`, {
        field: 'query.size',
      });
    }
    await writer.commit();
  } catch (error) {
    await writer.abort();
    if (error instanceof ApiError) throw error;
    throw new ApiError('invalid_input', 'The upload ended before its declared size', {
      cause: error,
    });
  }
}
