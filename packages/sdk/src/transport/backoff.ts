/** Reconnect backoff options (`ChatClientOptions.reconnect`). Each defaults as documented. */
export interface BackoffOptions {
  /** Delay ceiling of the first retry, in ms. Default 500. */
  baseMs?: number;
  /** Largest delay, in ms. Default 30 000. */
  maxMs?: number;
  /** Random source in [0, 1). Default `Math.random`. */
  random?: () => number;
}

const DEFAULTS = { baseMs: 500, maxMs: 30_000, random: Math.random } as const;

/**
 * The delay before reconnect attempt `attempt` (0 for the first retry): exponential backoff
 * with "equal jitter", a random delay between half and all of `min(maxMs, baseMs · 2^attempt)`.
 *
 * Why jitter: after a server restart every client disconnects at the same instant; without
 * randomness they would all come back at the same instants too, and each wave would look like
 * a small denial of service (perf.md §3.6). Half the window stays fixed so a client never
 * retries a failing server in a tight loop.
 *
 * @param attempt - How many retries failed before this one (0, 1, 2 …).
 * @throws RangeError for a negative or non-integer `attempt`.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  if (!Number.isSafeInteger(attempt) || attempt < 0) {
    throw new RangeError('attempt must be a non-negative integer');
  }
  const { baseMs, maxMs, random } = { ...DEFAULTS, ...options };
  // 2^attempt overflows to Infinity long after it passes any sane ceiling; min() absorbs it.
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 52));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
