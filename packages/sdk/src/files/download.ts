import type { AttachmentDescriptor } from '../crypto/attachment-descriptor.js';
import { decryptAttachment } from '../crypto/attachments.js';
import { isCryptoError } from '../crypto/errors.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { ChatError } from '../errors.js';
import type { RestClient } from '../rest/rest-client.js';

/** What downloading needs from the session. */
export interface DownloadContext {
  readonly rest: RestClient;
  readonly provider: CryptoProvider;
}

/** Options of `attachment.download()` and `attachment.stream()`. */
export interface DownloadOptions {
  /** Cancels the download. */
  signal?: AbortSignal;
  /** Called as ciphertext arrives: bytes received so far, and the total. */
  onProgress?: (progress: { loaded: number; total: number }) => void;
}

function asChatError(error: unknown): unknown {
  if (isCryptoError(error)) {
    return new ChatError(
      'decryption_failed',
      `The file failed its integrity check: ${error.message}`,
      {
        cause: error,
      },
    );
  }
  if (error instanceof TypeError) return ChatError.network(error);
  return error;
}

/** Re-throws crypto failures of a stream as `ChatError('decryption_failed')`. */
function mapErrors(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (error) {
          controller.error(asChatError(error));
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

function counting(
  body: ReadableStream<Uint8Array>,
  total: number,
  onProgress: DownloadOptions['onProgress'],
): ReadableStream<Uint8Array> {
  if (!onProgress) return body;
  let loaded = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        loaded += chunk.length;
        onProgress({ loaded, total });
        controller.enqueue(chunk);
      },
    }),
  );
}

function isNode(): boolean {
  return (
    typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions
      ?.node === 'string'
  );
}

/** Reads a stream to its end as one array (sized from what arrived, not from a claim). */
async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let length = 0;
  const reader = stream.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    parts.push(r.value);
    length += r.value.length;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Fetches a file's ciphertext and decrypts it as it streams, checking every chunk and, before
 * the last one is released, the size and SHA-256 from the message.
 */
export async function downloadFile(
  ctx: DownloadContext | null,
  fileId: string | null,
  descriptor: AttachmentDescriptor,
  type: string,
  options: DownloadOptions,
  mode: 'whole',
): Promise<Blob | Uint8Array>;
export async function downloadFile(
  ctx: DownloadContext | null,
  fileId: string | null,
  descriptor: AttachmentDescriptor,
  type: string,
  options: DownloadOptions,
  mode: 'stream',
): Promise<ReadableStream<Uint8Array>>;
export async function downloadFile(
  ctx: DownloadContext | null,
  fileId: string | null,
  descriptor: AttachmentDescriptor,
  type: string,
  options: DownloadOptions,
  mode: 'whole' | 'stream',
): Promise<Blob | Uint8Array | ReadableStream<Uint8Array>> {
  if (ctx === null) throw new ChatError('unavailable', 'Sign in to download files');
  if (fileId === null) throw new ChatError('not_found', 'This attachment has no stored file');
  const response = await ctx.rest.raw('GET', `/files/${encodeURIComponent(fileId)}`, {
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!response.body) throw new ChatError('decryption_failed', 'The file is empty');
  const total = Number(response.headers.get('content-length') ?? 0);
  const plain = mapErrors(
    decryptAttachment(ctx.provider, {
      source: counting(response.body, total, options.onProgress),
      descriptor,
    }),
  );
  if (mode === 'stream') return plain;
  try {
    if (isNode()) return await collect(plain);
    // Read by hand rather than `new Response(plain).blob()`, which may replace our error with
    // a generic TypeError.
    const parts: Uint8Array[] = [];
    const reader = plain.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
    return new Blob(parts as BlobPart[], { type });
  } catch (error) {
    throw asChatError(error);
  }
}
