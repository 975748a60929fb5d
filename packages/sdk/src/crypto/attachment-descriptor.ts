/**
 * The descriptor of an encrypted attachment: everything needed to decrypt and check the file.
 * It contains the file key, so it only ever travels inside an encrypted message body (the Matrix
 * encrypted-attachment pattern); the server stores the ciphertext without it.
 */
import { isB64uOfLength } from './binding.js';
import { FORMAT_VERSION, SUITE } from './labels.js';

/** Plaintext bytes per chunk unless told otherwise: 64 KiB. */
export const DEFAULT_CHUNK_SIZE = 64 * 1024;

/** Smallest and largest accepted chunk sizes. */
export const MIN_CHUNK_SIZE = 1024;
/** Largest accepted chunk size (4 MiB). */
export const MAX_CHUNK_SIZE = 4 * 1024 * 1024;

/** Longest MIME type and file name a descriptor may carry. */
export const MAX_MIME_LENGTH = 255;
export const MAX_NAME_LENGTH = 1024;

/** Key, nonce prefix, sizes, plaintext hash and type of one encrypted file. */
export interface AttachmentDescriptor {
  readonly v: typeof FORMAT_VERSION;
  readonly suite: typeof SUITE;
  /** base64url 32-byte AES-256-GCM file key. Secret. */
  readonly key: string;
  /** base64url 8-byte random nonce prefix; the chunk counter fills the other 4 bytes. */
  readonly noncePrefix: string;
  /** Plaintext bytes per chunk (the last chunk may be shorter). */
  readonly chunkSize: number;
  /** Plaintext size in bytes. */
  readonly size: number;
  /** base64url SHA-256 of the whole plaintext. */
  readonly sha256: string;
  /** MIME type as declared by the sender (untrusted: sniffing rules still apply). */
  readonly mime: string;
  /** Original file name, if the sender shared it. */
  readonly name?: string;
}

const KEYS = new Set([
  'v',
  'suite',
  'key',
  'noncePrefix',
  'chunkSize',
  'size',
  'sha256',
  'mime',
  'name',
]);

/** True if `value` is a well-formed {@link AttachmentDescriptor}. Unknown fields are refused. */
export function isAttachmentDescriptor(value: unknown): value is AttachmentDescriptor {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const d = value as Record<string, unknown>;
  return (
    Object.keys(d).every((k) => KEYS.has(k)) &&
    d.v === FORMAT_VERSION &&
    d.suite === SUITE &&
    isB64uOfLength(d.key, 32) &&
    isB64uOfLength(d.noncePrefix, 8) &&
    Number.isSafeInteger(d.chunkSize) &&
    (d.chunkSize as number) >= MIN_CHUNK_SIZE &&
    (d.chunkSize as number) <= MAX_CHUNK_SIZE &&
    Number.isSafeInteger(d.size) &&
    (d.size as number) >= 0 &&
    isB64uOfLength(d.sha256, 32) &&
    typeof d.mime === 'string' &&
    d.mime.length <= MAX_MIME_LENGTH &&
    (d.name === undefined || (typeof d.name === 'string' && d.name.length <= MAX_NAME_LENGTH))
  );
}
