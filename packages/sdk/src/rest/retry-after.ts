/**
 * Parses an HTTP `Retry-After` header (RFC 9110 §10.2.3) into milliseconds from `now`.
 *
 * The header is either a number of seconds or an HTTP date. Anything else, a negative delay
 * or a date in the past gives `undefined`/`0` so callers fall back to their own backoff
 * rather than trusting a malformed value.
 *
 * @param value - The raw header value, or `null` when the header is absent.
 * @param now - Current time in epoch milliseconds (injectable so tests can fix the clock).
 * @returns Milliseconds to wait, or `undefined` when the header is absent or unparsable.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only accept something that looks like an IMF-fixdate or similar: Date.parse alone would
  // happily read "1.5" or "-3" as years.
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
