/**
 * Length hiding for message bodies. The ciphertext length of a message is visible to the server,
 * so bodies are padded to a bucket before encryption: 256-byte steps up to 4 KiB (where almost
 * all chat messages fall, so short messages are indistinguishable from each other), then powers
 * of two (so large bodies leak only their order of magnitude at ≤ 2× cost).
 *
 * The padding is ISO/IEC 7816-4 style: one `0x80` byte, then zeros. It is removed only after the
 * AEAD has authenticated the bytes, so its parsing is never an oracle.
 */
import { CryptoError } from './errors.js';

/** Bucket step for small bodies. */
export const PAD_STEP = 256;

/** Up to this padded size buckets grow in {@link PAD_STEP}s, above it in powers of two. */
export const PAD_LINEAR_LIMIT = 4096;

/** Largest body (before padding) that {@link pad} accepts: 1 MiB. */
export const MAX_PADDED_BODY = 1024 * 1024;

/** The padded size for a body of `length` bytes (always at least `length + 1`). */
export function paddedLength(length: number): number {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError('length must be a non-negative integer');
  }
  const needed = length + 1; // room for the 0x80 marker
  if (needed <= PAD_LINEAR_LIMIT) return Math.ceil(needed / PAD_STEP) * PAD_STEP;
  let size = PAD_LINEAR_LIMIT;
  while (size < needed) size *= 2;
  return size;
}

/**
 * Pads `body` to its bucket: `body ‖ 0x80 ‖ 0x00…`.
 *
 * @throws RangeError if `body` is larger than `MAX_PADDED_BODY`.
 */
export function pad(body: Uint8Array): Uint8Array {
  if (body.length > MAX_PADDED_BODY) {
    throw new RangeError(`body exceeds ${MAX_PADDED_BODY} bytes`);
  }
  const out = new Uint8Array(paddedLength(body.length));
  out.set(body);
  out[body.length] = 0x80;
  return out;
}

/**
 * Removes the padding added by {@link pad}.
 *
 * @returns a view of `padded` without the padding (no copy).
 * @throws CryptoError `invalid_input` if the padding is malformed or the size is not a bucket.
 */
export function unpad(padded: Uint8Array): Uint8Array {
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 0 || padded[end] !== 0x80 || paddedLength(end) !== padded.length) {
    throw new CryptoError('invalid_input', 'malformed padding');
  }
  return padded.subarray(0, end);
}
