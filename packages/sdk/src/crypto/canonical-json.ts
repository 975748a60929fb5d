import { hasLoneSurrogate, toB64u, utf8 } from './encoding.js';

/**
 * Canonical JSON as the Matrix specification defines it (appendices, "Canonical JSON"): object
 * keys sorted by Unicode code point, no insignificant whitespace, integers only, UTF-8. cs1 signs
 * and authenticates canonical bytes, so a signer and a verifier that build the same value always
 * hash the same bytes, whatever order the properties were assigned in.
 *
 * Extensions for cs1: a `Uint8Array` is written as an unpadded base64url string, and an object
 * property whose value is `undefined` is left out (like `JSON.stringify`), so optional fields can
 * be spread in without a branch.
 *
 * @param value - `null`, booleans, safe integers, strings, `Uint8Array`s, arrays and plain objects.
 * @returns The canonical JSON text.
 * @throws TypeError on a non-integer or unsafe number, `NaN`, `Infinity`, `bigint`, `undefined`
 *   in an array or at the top level, a function, a symbol, a lone surrogate, a cycle, or any
 *   object that is not plain (Date, Map, class instances).
 *
 * @example
 * ```ts
 * canonicalJson({ two: 'Two', one: 1 }); // '{"one":1,"two":"Two"}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set<object>(), '$');
}

/** UTF-8 bytes of {@link canonicalJson}: what cs1 signs, hashes and uses as AAD. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value));
}

function write(value: unknown, ancestors: Set<object>, path: string): string {
  switch (typeof value) {
    case 'string':
      return writeString(value, path);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      // Matrix allows integers in [-(2^53)+1, 2^53-1] only: floats have no canonical text.
      if (!Number.isSafeInteger(value))
        throw new TypeError(`${path}: ${value} is not a safe integer`);
      return Object.is(value, -0) ? '0' : String(value);
    case 'object':
      if (value === null) return 'null';
      if (value instanceof Uint8Array) return `"${toB64u(value)}"`;
      return writeContainer(value, ancestors, path);
    default:
      throw new TypeError(`${path}: ${typeof value} has no canonical JSON form`);
  }
}

function writeContainer(value: object, ancestors: Set<object>, path: string): string {
  if (ancestors.has(value)) throw new TypeError(`${path}: cyclic structure`);
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.map((item: unknown, i) => {
        if (item === undefined) throw new TypeError(`${path}[${i}]: undefined in an array`);
        return write(item, ancestors, `${path}[${i}]`);
      });
      return `[${items.join(',')}]`;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(`${path}: only plain objects have a canonical JSON form`);
    }
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => compareCodePoints(a, b));
    const members = entries.map(
      ([k, v]) => `${writeString(k, path)}:${write(v, ancestors, `${path}.${k}`)}`,
    );
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}

function writeString(s: string, path: string): string {
  if (hasLoneSurrogate(s)) throw new TypeError(`${path}: string has a lone surrogate`);
  // JSON.stringify already escapes exactly what Matrix requires: `"`, `\` and U+0000–U+001F
  // (as \b \f \n \r \t or lower-case \u00XX), and leaves every other character raw.
  return JSON.stringify(s);
}

/**
 * Orders strings by Unicode code point. Plain `<` compares UTF-16 code units, which puts
 * U+E000–U+FFFF after astral characters and would disagree with other languages' sorts.
 */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done === true) return y.done === true ? 0 : -1;
    if (y.done === true) return 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}
