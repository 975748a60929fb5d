import { isAttachmentDescriptor } from '../crypto/attachment-descriptor.js';
import type { AttachmentDescriptor } from '../crypto/attachment-descriptor.js';
import { isB64uOfLength } from '../crypto/binding.js';
import type { MessageBodies } from '../crypto/message-body.js';
import { downloadFile } from './download.js';
import type { DownloadContext, DownloadOptions } from './download.js';
import { isActiveType } from './sniff-type.js';

/** A thumbnail of an image attachment, encrypted and stored like the file. */
export interface AttachmentThumbnailData {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  readonly descriptor: AttachmentDescriptor;
}

/** What a message says about one of its files: plain data, safe to cache as JSON. */
export interface AttachmentData {
  /** The server's id of the ciphertext; `null` for a file sent without one (cannot download). */
  readonly id: string | null;
  /** The file name the sender shared, or `null`. */
  readonly name: string | null;
  /** The type the sender's client found in the bytes. Untrusted: see {@link Attachment.type}. */
  readonly type: string;
  /** Plaintext size in bytes. */
  readonly size: number;
  /** Key, nonce prefix, chunk size and SHA-256: what decrypts and checks the file. Secret. */
  readonly descriptor: AttachmentDescriptor;
  readonly thumbnail: AttachmentThumbnailData | null;
}

/** True if `value` is well-formed {@link AttachmentData} (for values read back from a cache). */
export function isAttachmentData(value: unknown): value is AttachmentData {
  if (typeof value !== 'object' || value === null) return false;
  const a = value as Record<string, unknown>;
  const t = a.thumbnail as Record<string, unknown> | null;
  return (
    (a.id === null || isB64uOfLength(a.id, 16)) &&
    (a.name === null || typeof a.name === 'string') &&
    typeof a.type === 'string' &&
    Number.isSafeInteger(a.size) &&
    isAttachmentDescriptor(a.descriptor) &&
    (t === null ||
      (typeof t === 'object' &&
        isB64uOfLength(t.id, 16) &&
        Number.isSafeInteger(t.width) &&
        Number.isSafeInteger(t.height) &&
        isAttachmentDescriptor(t.descriptor)))
  );
}

/**
 * A file attached to a message. Its bytes are fetched and decrypted on demand; the SHA-256 in
 * the (signed, encrypted) message is checked before the last byte is handed over, so a
 * tampered or truncated file is an error (`ChatError` `decryption_failed`), never partial
 * content presented as good.
 *
 * @example
 * ```ts
 * const [file] = message.attachments;
 * const blob = await file.download(); // Blob in browsers, Uint8Array in Node
 * ```
 */
export class Attachment implements AttachmentData {
  readonly id: string | null;
  readonly name: string | null;
  readonly type: string;
  readonly size: number;
  readonly descriptor: AttachmentDescriptor;
  readonly thumbnail: AttachmentThumbnailData | null;
  readonly #ctx: DownloadContext | null;

  /**
   * @internal Made by the SDK from a decrypted message; `ctx` null for one that cannot be
   * downloaded (read from a cache without a session).
   */
  constructor(data: AttachmentData, ctx: DownloadContext | null) {
    this.id = data.id;
    this.name = data.name;
    // Never hand a script-capable type to a Blob: opened in a tab it would run in the page's origin.
    this.type = isActiveType(data.type) ? 'application/octet-stream' : data.type;
    this.size = data.size;
    this.descriptor = data.descriptor;
    this.thumbnail = data.thumbnail;
    this.#ctx = ctx;
  }

  /** True for image types a browser can show inline. */
  get isImage(): boolean {
    return /^image\/(png|jpeg|gif|webp|avif|bmp)$/.test(this.type);
  }

  /**
   * Downloads, decrypts and verifies the whole file.
   *
   * @returns A `Blob` (typed) in browsers, a `Uint8Array` in Node.
   * @throws ChatError `decryption_failed` (tampered, truncated, wrong hash), `not_found` (gone,
   *   or no longer a member), `network_error`; an `AbortError` when `signal` aborts.
   */
  download(options: DownloadOptions = {}): Promise<Blob | Uint8Array> {
    return downloadFile(this.#ctx, this.id, this.descriptor, this.type, options, 'whole');
  }

  /**
   * Streams the decrypted file, for large files. The stream errors (ChatError
   * `decryption_failed`) instead of ending if the file was tampered with: treat everything
   * read from an errored stream as garbage.
   */
  stream(options: DownloadOptions = {}): Promise<ReadableStream<Uint8Array>> {
    return downloadFile(this.#ctx, this.id, this.descriptor, this.type, options, 'stream');
  }

  /** Downloads and decrypts the thumbnail, or resolves `null` when there is none. */
  async downloadThumbnail(options: DownloadOptions = {}): Promise<Blob | Uint8Array | null> {
    const t = this.thumbnail;
    if (t === null) return null;
    return downloadFile(this.#ctx, t.id, t.descriptor, t.descriptor.mime, options, 'whole');
  }

  /** The plain data, for caches (JSON) and logs. Contains the file key. */
  toJSON(): AttachmentData {
    return {
      id: this.id,
      name: this.name,
      type: this.type,
      size: this.size,
      descriptor: this.descriptor,
      thumbnail: this.thumbnail,
    };
  }
}

/** The attachment of a decrypted `attachment` message body. */
export function attachmentOf(body: MessageBodies['attachment'], ctx: DownloadContext): Attachment {
  const d = body.attachment;
  const t = body.thumbnail;
  return new Attachment(
    {
      id: body.fileId ?? null,
      name: d.name ?? null,
      type: d.mime,
      size: d.size,
      descriptor: d,
      thumbnail:
        t === undefined
          ? null
          : { id: t.fileId, width: t.width, height: t.height, descriptor: t.attachment },
    },
    ctx,
  );
}
