import type { MessageBodies, ThumbnailBody } from '../crypto/message-body.js';
import { encryptedAttachmentSize } from '../crypto/attachments.js';
import { ChatError } from '../errors.js';
import { fileLimits, isTypeAllowed } from '../protocol/files.js';
import type { FileLimits } from '../protocol/files.js';
import type { RestClient } from '../rest/rest-client.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { toFileSource } from './file-source.js';
import type { FileInput, FileSource } from './file-source.js';
import { JPEG_HEAD_LIMIT, applyJpegStrip, planJpegStrip } from './jpeg-metadata.js';
import { SNIFF_BYTES, resolveType } from './sniff-type.js';
import { makeThumbnail } from './thumbnail.js';
import type { ThumbnailImage } from './thumbnail.js';
import { uploadEncrypted } from './upload.js';
import type { UploadOptions, UploadProgress } from './upload.js';

/** Options of `conversation.sendFile()`. */
export interface SendFileOptions {
  /** File name to share. Default: the `File`'s name; none for bytes and streams. */
  name?: string;
  /**
   * The file's type, when the input cannot say (bytes, streams). The type actually recorded
   * is the one found in the bytes; a declared type they contradict is refused.
   */
  type?: string;
  /** Text sent with the file. */
  caption?: string;
  /** Plaintext size in bytes: required for streams, ignored otherwise. */
  size?: number;
  /**
   * A thumbnail to send with an image (Node, where none can be made). In browsers one is
   * made from the image unless this is `false`.
   */
  thumbnail?: ThumbnailImage | false;
  /** Upload progress (ciphertext bytes). */
  onProgress?: (progress: UploadProgress) => void;
  /** Cancels the upload (rejects with the signal's reason); too late once the message is queued. */
  signal?: AbortSignal;
  /** Upload attempts in total for a Blob or bytes (streams get one). Default 3. */
  attempts?: number;
}

/** What {@link prepareFile} hands to the sender once the files are uploaded. */
export interface PreparedFile {
  readonly body: MessageBodies['attachment'];
  readonly fileIds: readonly string[];
}

/** What sending a file needs from the session. */
export interface SendFileContext {
  readonly rest: RestClient;
  readonly provider: CryptoProvider;
}

/** The plaintext to send: type resolved, metadata stripped, size exact. */
interface Plaintext {
  readonly type: string;
  readonly size: number;
  readonly open: () => AsyncIterable<Uint8Array>;
}

async function* stream(
  pieces: Iterable<Uint8Array>,
  rest: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) if (piece.length > 0) yield piece;
  yield* rest;
}

/** Sniffs the type and, for a JPEG, plans the removal of its metadata. */
async function plaintextOf(source: FileSource): Promise<Plaintext> {
  const sniffHead = await source.head(SNIFF_BYTES);
  const resolved = resolveType(sniffHead, source.declaredType);
  if (!resolved.ok) {
    throw new ChatError(
      'unsupported_media_type',
      `The file's bytes are not ${source.declaredType ?? 'what was declared'} (${resolved.sniffed})`,
      { field: 'type' },
    );
  }
  if (resolved.type !== 'image/jpeg') {
    return {
      type: resolved.type,
      size: source.size,
      open: () => stream([sniffHead], source.from(sniffHead.length)),
    };
  }
  const head = await source.head(JPEG_HEAD_LIMIT);
  const plan = planJpegStrip(head);
  if (plan === undefined) {
    throw new ChatError('invalid_input', 'This JPEG is malformed; its metadata cannot be removed', {
      field: 'file',
    });
  }
  return {
    type: resolved.type,
    size: source.size - plan.removed,
    open: () => stream(applyJpegStrip(head, plan), source.from(head.length)),
  };
}

/** Refuses what the server would refuse, before a byte is uploaded. */
function checkLimits(limits: FileLimits, type: string, sizes: readonly number[]): void {
  if (!isTypeAllowed(type, limits.allowedTypes)) {
    throw new ChatError('unsupported_media_type', `This server does not accept ${type} files`, {
      field: 'type',
    });
  }
  const largest = Math.max(...sizes);
  if (largest > limits.maxUploadBytes) {
    throw new ChatError(
      'payload_too_large',
      `The file is too large (this server accepts up to ${limits.maxUploadBytes} bytes)`,
      { field: 'file' },
    );
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  if (limits.usedBytes + total > limits.quotaBytes) {
    throw new ChatError('quota_exceeded', 'Your stored files would exceed your quota');
  }
}

async function thumbnailOf(
  input: FileInput,
  type: string,
  options: SendFileOptions,
): Promise<ThumbnailImage | undefined> {
  if (options.thumbnail === false) return undefined;
  if (options.thumbnail !== undefined) return options.thumbnail;
  if (!type.startsWith('image/') || typeof Blob === 'undefined' || !(input instanceof Blob)) {
    return undefined;
  }
  return makeThumbnail(input, type);
}

/**
 * Everything of `sendFile` before the message: checks the input, sniffs its type, strips JPEG
 * metadata, checks the server's limits, makes a thumbnail of an image (browsers), then
 * encrypts and uploads the thumbnail and the file.
 *
 * @throws ChatError `invalid_input`, `unsupported_media_type`, `payload_too_large`,
 *   `quota_exceeded`, or what the upload met; the signal's reason once aborted.
 */
export async function prepareFile(
  ctx: SendFileContext,
  conversationId: string,
  input: FileInput,
  options: SendFileOptions = {},
): Promise<PreparedFile> {
  const source = toFileSource(input, options);
  const plain = await plaintextOf(source);
  const thumbnail = await thumbnailOf(input, plain.type, options);
  const thumbSource = thumbnail
    ? toFileSource(thumbnail.data, { type: thumbnail.type })
    : undefined;
  const limits = await ctx.rest.request('GET', '/files/limits', {
    schema: fileLimits,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  checkLimits(limits, plain.type, [
    encryptedAttachmentSize(plain.size),
    ...(thumbSource ? [encryptedAttachmentSize(thumbSource.size)] : []),
  ]);
  const upload: UploadOptions = {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.attempts === undefined ? {} : { attempts: options.attempts }),
  };
  let thumb: ThumbnailBody | undefined;
  if (thumbnail && thumbSource) {
    const uploaded = await uploadEncrypted(
      ctx.rest,
      ctx.provider,
      {
        conversationId,
        size: thumbSource.size,
        type: thumbnail.type,
        plaintext: () => thumbSource.from(0),
        reopenable: true,
      },
      upload,
    );
    thumb = {
      attachment: uploaded.descriptor,
      fileId: uploaded.fileId,
      width: thumbnail.width,
      height: thumbnail.height,
    };
  }
  const name = options.name ?? source.name;
  const file = await uploadEncrypted(
    ctx.rest,
    ctx.provider,
    {
      conversationId,
      size: plain.size,
      type: plain.type,
      ...(name === undefined ? {} : { name }),
      plaintext: plain.open,
      reopenable: source.reopenable,
    },
    { ...upload, ...(options.onProgress ? { onProgress: options.onProgress } : {}) },
  ).catch((error: unknown) => {
    // Withdraw the thumbnail now rather than leave it to the cleanup.
    if (thumb) void ctx.rest.request('DELETE', `/files/${thumb.fileId}`).catch(() => undefined);
    throw error;
  });
  const body: MessageBodies['attachment'] = {
    attachment: file.descriptor,
    fileId: file.fileId,
    ...(thumb ? { thumbnail: thumb } : {}),
    ...(options.caption ? { text: options.caption } : {}),
  };
  return { body, fileIds: thumb ? [file.fileId, thumb.fileId] : [file.fileId] };
}
