import { ApiError } from '../http/api-error.js';

/**
 * Decodes an unpadded base64url field of a request body, refusing non-canonical spellings.
 *
 * The protocol schemas only check the alphabet and length, and Node's decoder silently ignores
 * the unused low bits of the last character, so `AAA` and `AAB` would decode to the same bytes.
 * Accepting both would let two different strings name one key; requiring the canonical form
 * keeps "same bytes" and "same string" equivalent.
 *
 * @param value - The string from the (already schema-checked) body.
 * @param field - Dotted field path for the error, e.g. `body.identityKey`.
 * @throws {ApiError} `invalid_input` naming `field`.
 */
export function decodeB64u(value: string, field: string): Uint8Array {
  const bytes = Buffer.from(value, 'base64url');
  if (bytes.toString('base64url') !== value) {
    throw new ApiError('invalid_input', `${field}: must be canonical unpadded base64url`, {
      field,
    });
  }
  return Uint8Array.from(bytes);
}

/** Encodes bytes as unpadded base64url, the wire encoding of every byte string. */
export function encodeB64u(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}
