/**
 * Streaming attachment encryption. Each file gets a random 32-byte AES-256-GCM key and a random
 * 8-byte nonce prefix; chunk `i` (64 KiB of plaintext by default) is sealed with nonce
 * `prefix ‖ u32be(i)` and AAD `cs1/attachment ‖ u8(last)`. The counter in the nonce makes chunks
 * impossible to reorder or duplicate, and the last-chunk flag makes truncation at a chunk
 * boundary fail. The key, prefix, size and SHA-256 of the plaintext travel in the descriptor,
 * inside an encrypted message.
 *
 * Both directions are pull-based streams: memory stays at a few chunks whatever the file size.
 * Up to {@link CHUNKS_IN_FLIGHT} chunks are sealed or opened at once, so the native AES-GCM of a
 * WebCrypto provider uses every core while this thread hashes in order. A decrypting reader gets authenticated chunks as they arrive; the stream errors (with
 * `CryptoError`) instead of delivering the final chunk if the file was truncated or its hash or
 * size disagrees with the descriptor, so a consumer must treat an errored stream as a failed
 * download and discard what it received.
 */
import {
  assertBytes,
  concatBytes,
  equalBytes,
  fromB64u,
  toB64u,
  utf8,
  zeroize,
} from './encoding.js';
import { CryptoError } from './errors.js';
import { FORMAT_VERSION, LABELS, SUITE } from './labels.js';
import {
  DEFAULT_CHUNK_SIZE,
  isAttachmentDescriptor,
  MAX_CHUNK_SIZE,
  MAX_MIME_LENGTH,
  MAX_NAME_LENGTH,
  MIN_CHUNK_SIZE,
} from './attachment-descriptor.js';
import type { AttachmentDescriptor } from './attachment-descriptor.js';
import { defaultSha256 } from './incremental-hash.js';
import type { IncrementalHashFactory } from './incremental-hash.js';
import { ChunkReader } from './chunk-reader.js';
import type { ByteSource } from './chunk-reader.js';
import type { CryptoProvider } from './provider.js';

const TAG_LENGTH = 16;
const MAX_CHUNKS = 2 ** 32;

/** Chunks being encrypted or decrypted concurrently; bounds memory at a few chunks. */
export const CHUNKS_IN_FLIGHT = 4;

const ignore = (): void => undefined;
const LABEL = utf8(LABELS.attachment);

function chunkNonce(prefix: Uint8Array, index: number): Uint8Array {
  const nonce = new Uint8Array(12);
  nonce.set(prefix);
  new DataView(nonce.buffer).setUint32(8, index);
  return nonce;
}

function chunkAad(last: boolean): Uint8Array {
  return concatBytes(LABEL, Uint8Array.of(last ? 1 : 0));
}

/** Ciphertext size of a `size`-byte file: one 16-byte tag per chunk, at least one chunk. */
export function encryptedAttachmentSize(size: number, chunkSize = DEFAULT_CHUNK_SIZE): number {
  return size + Math.max(1, Math.ceil(size / chunkSize)) * TAG_LENGTH;
}

/** Options of {@link encryptAttachment}. */
export interface EncryptAttachmentOptions {
  /** The plaintext, as a stream or async iterable of byte chunks of any size. */
  readonly source: ByteSource;
  /** MIME type to record in the descriptor. */
  readonly mime: string;
  /** File name to record in the descriptor; omitted by default. */
  readonly name?: string;
  /** Plaintext bytes per encrypted chunk. Default 64 KiB. */
  readonly chunkSize?: number;
  /** SHA-256 implementation. Default: native in Node, noble elsewhere. */
  readonly createHash?: IncrementalHashFactory;
}

/** An attachment being encrypted. */
export interface EncryptedAttachment {
  /** The ciphertext; read it to the end (e.g. upload it). */
  readonly stream: ReadableStream<Uint8Array>;
  /** Resolves once `stream` has been read to the end; put it in the message body. */
  readonly descriptor: Promise<AttachmentDescriptor>;
}

function assertChunkSize(chunkSize: number): void {
  if (
    !Number.isSafeInteger(chunkSize) ||
    chunkSize < MIN_CHUNK_SIZE ||
    chunkSize > MAX_CHUNK_SIZE
  ) {
    throw new RangeError(`chunkSize must be an integer in [${MIN_CHUNK_SIZE}, ${MAX_CHUNK_SIZE}]`);
  }
}

/**
 * Encrypts a file as a stream.
 *
 * @example
 * ```ts
 * const { stream, descriptor } = encryptAttachment(provider, { source: file.stream(), mime: file.type });
 * await upload(stream);
 * await encryptMessage(provider, { ...ctx, ctype: 'attachment', body: { attachment: await descriptor } });
 * ```
 */
export function encryptAttachment(
  provider: CryptoProvider,
  options: EncryptAttachmentOptions,
): EncryptedAttachment {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  assertChunkSize(chunkSize);
  if (typeof options.mime !== 'string' || options.mime.length > MAX_MIME_LENGTH) {
    throw new TypeError(`mime must be a string of at most ${MAX_MIME_LENGTH} characters`);
  }
  if (
    options.name !== undefined &&
    (typeof options.name !== 'string' || options.name.length > MAX_NAME_LENGTH)
  ) {
    throw new TypeError(`name must be a string of at most ${MAX_NAME_LENGTH} characters`);
  }
  const key = provider.randomBytes(32);
  const prefix = provider.randomBytes(8);
  const hash = (options.createHash ?? defaultSha256)();
  const reader = new ChunkReader(options.source, chunkSize);
  let index = 0;
  let size = 0;
  let settle!: { resolve: (d: AttachmentDescriptor) => void; reject: (e: unknown) => void };
  const descriptor = new Promise<AttachmentDescriptor>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Without a consumer of `descriptor`, a failed stream must not also be an unhandled rejection.
  descriptor.catch(ignore);

  // Chunks are read and hashed in order; their encryptions run concurrently and are delivered
  // in order.
  const inFlight: Array<{ sealed: Promise<Uint8Array>; last: boolean }> = [];
  let readAll = false;
  const fill = async (): Promise<void> => {
    while (!readAll && inFlight.length < CHUNKS_IN_FLIGHT) {
      const { chunk, last } = await reader.next();
      if (index >= MAX_CHUNKS) throw new RangeError('attachment has too many chunks');
      const sealed = provider.aesGcmEncrypt(
        key,
        chunkNonce(prefix, index++),
        chunk,
        chunkAad(last),
      );
      sealed.catch(ignore); // awaited in order by pull; errors surface there
      hash.update(chunk);
      size += chunk.length;
      inFlight.push({ sealed, last });
      readAll = last;
    }
  };

  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          await fill();
          const head = inFlight.shift()!;
          controller.enqueue(await head.sealed);
          if (!head.last) return;
          controller.close();
          settle.resolve({
            v: FORMAT_VERSION,
            suite: SUITE,
            key: toB64u(key),
            noncePrefix: toB64u(prefix),
            chunkSize,
            size,
            sha256: toB64u(hash.digest()),
            mime: options.mime,
            ...(options.name === undefined ? {} : { name: options.name }),
          });
          zeroize(key);
        } catch (error) {
          zeroize(key);
          settle.reject(error);
          controller.error(error);
        }
      },
      async cancel(reason) {
        zeroize(key);
        settle.reject(reason ?? new Error('cancelled'));
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 1 },
  );
  return { stream, descriptor };
}

/** Options of {@link decryptAttachment}. */
export interface DecryptAttachmentOptions {
  /** The ciphertext, as a stream or async iterable of byte chunks of any size. */
  readonly source: ByteSource;
  /** The descriptor from the (decrypted, verified) message body. */
  readonly descriptor: AttachmentDescriptor;
  /** SHA-256 implementation. Default: native in Node, noble elsewhere. */
  readonly createHash?: IncrementalHashFactory;
}

/**
 * Decrypts an attachment as a stream of plaintext chunks.
 *
 * @returns a stream that errors with `CryptoError('aead_fail')` on a tampered, reordered or
 *   truncated chunk, or `CryptoError('invalid_input')` if the size or SHA-256 disagrees with the
 *   descriptor; the final chunk is only delivered after both checks pass.
 * @throws TypeError if `descriptor` is malformed.
 */
export function decryptAttachment(
  provider: CryptoProvider,
  options: DecryptAttachmentOptions,
): ReadableStream<Uint8Array> {
  const { descriptor } = options;
  if (!isAttachmentDescriptor(descriptor)) throw new TypeError('malformed attachment descriptor');
  const key = fromB64u(descriptor.key);
  const prefix = fromB64u(descriptor.noncePrefix);
  const expectedHash = fromB64u(descriptor.sha256);
  assertBytes(key, 'descriptor.key', 32);
  const hash = (options.createHash ?? defaultSha256)();
  const reader = new ChunkReader(options.source, descriptor.chunkSize + TAG_LENGTH);
  let index = 0;
  let size = 0;

  // Chunks are read in order and decrypted concurrently, then hashed and delivered in order.
  const inFlight: Array<Promise<{ plain: Uint8Array; last: boolean }>> = [];
  let readAll = false;
  const open = async (chunk: Uint8Array, at: number, last: boolean) => {
    try {
      return {
        plain: await provider.aesGcmDecrypt(key, chunkNonce(prefix, at), chunk, chunkAad(last)),
        last,
      };
    } catch (cause) {
      throw new CryptoError('aead_fail', `attachment chunk ${at} does not authenticate`, { cause });
    }
  };
  const fill = async (): Promise<void> => {
    while (!readAll && inFlight.length < CHUNKS_IN_FLIGHT) {
      const { chunk, last } = await reader.next();
      if (chunk.length < TAG_LENGTH)
        throw new CryptoError('aead_fail', 'truncated attachment chunk');
      const opened = open(chunk, index++, last);
      opened.catch(ignore); // awaited in order by pull; errors surface there
      inFlight.push(opened);
      readAll = last;
    }
  };

  /** Checks a decrypted chunk against the descriptor; the last one only after the full hash. */
  const check = (plain: Uint8Array, last: boolean): void => {
    size += plain.length;
    if (size > descriptor.size) {
      throw new CryptoError('invalid_input', 'attachment larger than its descriptor');
    }
    hash.update(plain);
    if (!last) return;
    if (size !== descriptor.size) {
      throw new CryptoError('invalid_input', 'attachment size differs from its descriptor');
    }
    if (!equalBytes(hash.digest(), expectedHash)) {
      throw new CryptoError('invalid_input', 'attachment SHA-256 differs from its descriptor');
    }
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          await fill();
          const { plain, last } = await inFlight.shift()!;
          check(plain, last);
          controller.enqueue(plain);
          if (last) {
            zeroize(key);
            controller.close();
          }
        } catch (error) {
          zeroize(key);
          controller.error(error);
        }
      },
      async cancel(reason) {
        zeroize(key);
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 1 },
  );
}
