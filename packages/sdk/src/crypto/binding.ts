/**
 * Context binding for cs1 key derivation: every derived key and every HPKE envelope is bound to
 * the conversation, epoch and recipient it belongs to, so a blob copied into another context
 * fails to open instead of opening with the wrong meaning.
 *
 * The spec writes these contexts as `label|part|part…` (crypto.md §7.7, §7.8). That encoding is
 * only unambiguous if no part contains the separator, so identifiers are asserted here once, at
 * the boundary, rather than escaped.
 */
import { fromB64u, utf8 } from './encoding.js';

/** The separator between the parts of a binding string. */
const SEPARATOR = '|';

/** Longest identifier (conversation, user, epoch, message, key id) accepted anywhere in cs1. */
export const MAX_ID_LENGTH = 256;

/**
 * True if `value` is usable as a cs1 identifier: a non-empty string of at most
 * {@link MAX_ID_LENGTH} characters without the `|` separator or control characters.
 */
export function isValidId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_ID_LENGTH &&
    !value.includes(SEPARATOR) &&
    // Control characters have no business in ids and would make logs and UIs ambiguous.
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u001f\u007f]/.test(value)
  );
}

/**
 * Asserts that `value` is a valid cs1 identifier (see {@link isValidId}).
 *
 * @param name - what the value is, for the error message.
 * @throws TypeError if it is not.
 */
export function assertId(name: string, value: unknown): asserts value is string {
  if (!isValidId(value)) {
    throw new TypeError(`${name} must be a non-empty id without '|' or control characters`);
  }
}

/**
 * Encodes `label|part1|part2…` as UTF-8, the info/context string of an HKDF or HPKE call.
 *
 * @throws TypeError if a part is not a valid id.
 */
export function bindingInfo(label: string, ...parts: readonly string[]): Uint8Array {
  parts.forEach((part, i) => assertId(`binding part ${i}`, part));
  return utf8([label, ...parts].join(SEPARATOR));
}

/** True if `value` is base64url of exactly `length` bytes. */
export function isB64uOfLength(value: unknown, length: number): value is string {
  if (typeof value !== 'string') return false;
  try {
    return fromB64u(value).length === length;
  } catch {
    return false;
  }
}
