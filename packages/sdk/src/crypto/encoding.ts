/**
 * Byte-string helpers shared by every cs1 module: strict unpadded base64url (the wire encoding
 * of every byte string), strict UTF-8, concatenation and constant-time comparison.
 *
 * Strictness matters because encodings end up inside signed canonical JSON: if two strings
 * decoded to the same bytes (padding, stray bits, whitespace), a signature could be re-wrapped in
 * a different-looking but "equivalent" document.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;
const ALPHABET_CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// A UTF-16 surrogate without its partner cannot be encoded as UTF-8.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Encodes bytes as unpadded base64url (RFC 4648 §5).
 *
 * @throws TypeError if `bytes` is not a `Uint8Array`.
 */
export function toB64u(bytes: Uint8Array): string {
  assertBytes(bytes, 'bytes');
  // ASCII codes in a byte buffer, decoded once: appending to a string four characters at a
  // time took about 300 ms for the 4 MB values the local store writes (the search index).
  const out = new Uint8Array(Math.ceil((bytes.length * 4) / 3));
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = ALPHABET_CODES[n >> 18]!;
    out[o++] = ALPHABET_CODES[(n >> 12) & 63]!;
    out[o++] = ALPHABET_CODES[(n >> 6) & 63]!;
    out[o++] = ALPHABET_CODES[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    out[o++] = ALPHABET_CODES[n >> 18]!;
    out[o++] = ALPHABET_CODES[(n >> 12) & 63]!;
    if (rest === 2) out[o++] = ALPHABET_CODES[(n >> 6) & 63]!;
  }
  return decoder.decode(out.subarray(0, o));
}

/**
 * Decodes unpadded base64url. Strict: rejects padding, whitespace, the `+/` alphabet, an
 * impossible length and non-zero trailing bits, so each byte string has exactly one encoding.
 *
 * @throws TypeError on any malformed input.
 */
export function fromB64u(s: string): Uint8Array {
  if (typeof s !== 'string') throw new TypeError('base64url input must be a string');
  if (s.length % 4 === 1) throw new TypeError('invalid base64url length');
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? DECODE[c]! : -1;
    if (v < 0) throw new TypeError(`invalid base64url character at ${i}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0)
    throw new TypeError('non-canonical base64url (trailing bits)');
  return out;
}

/**
 * Encodes a string as UTF-8.
 *
 * @throws TypeError if `s` contains a lone surrogate (not representable in UTF-8; silently
 *   replacing it with U+FFFD would make two different strings encode to the same bytes).
 */
export function utf8(s: string): Uint8Array {
  if (typeof s !== 'string') throw new TypeError('utf8 input must be a string');
  if (LONE_SURROGATE.test(s)) throw new TypeError('string contains a lone surrogate');
  return encoder.encode(s);
}

/**
 * Decodes UTF-8 bytes.
 *
 * @throws TypeError on invalid UTF-8.
 */
export function fromUtf8(bytes: Uint8Array): string {
  assertBytes(bytes, 'bytes');
  return decoder.decode(bytes);
}

/** True if `s` has a lone UTF-16 surrogate, i.e. is not well-formed Unicode. */
export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

/** Concatenates byte strings into a new `Uint8Array`. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) {
    assertBytes(p, 'part');
    length += p.length;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Compares two byte strings in time that depends only on their lengths, never on where they
 * differ (use it for MACs, hashes and keys).
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  assertBytes(a, 'a');
  assertBytes(b, 'b');
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Asserts that `value` is a `Uint8Array`, optionally of an exact length.
 *
 * @throws TypeError if it is not; RangeError if the length is wrong.
 */
export function assertBytes(
  value: unknown,
  name: string,
  length?: number,
): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${name} must be ${length} bytes, got ${value.length}`);
  }
}

/** Overwrites secret bytes with zeros (best effort: JS cannot erase copies the engine made). */
export function zeroize(...buffers: Array<Uint8Array | undefined>): void {
  for (const b of buffers) b?.fill(0);
}

/** Lower-case hex of bytes (for test vectors and logs of public values only). */
export function toHex(bytes: Uint8Array): string {
  assertBytes(bytes, 'bytes');
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/**
 * Decodes lower- or upper-case hex.
 *
 * @throws TypeError on odd length or a non-hex character.
 */
export function fromHex(hex: string): Uint8Array {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new TypeError('invalid hex string');
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
