/** Nesting deeper than this skips the estimate (and measures exactly). */
const MAX_DEPTH = 32;
/** The longest JSON text of a number (`-1.2345678901234567e-308`). */
const NUMBER_BYTES = 24;
/** JSON bytes per UTF-16 unit at most: `\u001f` or a lone surrogate's `\udc00` take 6. */
const STRING_UNIT_BYTES = 6;

/**
 * An upper bound of the UTF-8 size of `value` as JSON text, or `undefined` when it passes
 * `budget` or holds something other than plain JSON data (a Buffer, an object with `toJSON`,
 * a bigint, deep nesting), whose size only `JSON.stringify` knows.
 */
function upperBound(value: unknown, budget: number, depth: number): number | undefined {
  switch (typeof value) {
    case 'string':
      return 2 + STRING_UNIT_BYTES * value.length;
    case 'number':
      return NUMBER_BYTES;
    case 'boolean':
    case 'undefined':
    case 'function':
    case 'symbol':
      return 5; // `false`; the others become `null` or are left out
    case 'bigint':
      return undefined;
  }
  if (value === null) return 4;
  if (depth >= MAX_DEPTH) return undefined;
  let size = 2;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) {
      const n = upperBound(item, budget - size, depth + 1);
      if (n === undefined) return undefined;
      size += n + 1;
      if (size > budget) return undefined;
    }
    return size;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return undefined;
  for (const key in value as Record<string, unknown>) {
    if (!Object.hasOwn(value as object, key)) continue;
    size += 3 + STRING_UNIT_BYTES * key.length; // quotes and colon
    const n = upperBound((value as Record<string, unknown>)[key], budget - size, depth + 1);
    if (n === undefined) return undefined;
    size += n + 1;
    if (size > budget) return undefined;
  }
  return size;
}

/**
 * Whether `value` serialised as JSON takes at most `limit` bytes of UTF-8 (binary attachments
 * count at their JSON size, larger than their bytes). Most payloads are far below the limit,
 * and a walk that sums an upper bound of each part's size says so without building the text;
 * only when the bound reaches the limit (or the payload is not plain JSON data) is it measured
 * exactly, with `JSON.stringify`. What cannot be serialised (a cycle, a bigint) does not fit.
 */
export function fitsJson(value: unknown, limit: number): boolean {
  const bound = upperBound(value, limit, 0);
  if (bound !== undefined && bound <= limit) return true;
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '') <= limit;
  } catch {
    return false;
  }
}
