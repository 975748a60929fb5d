/** Options of {@link drainInBatches}. */
export interface DrainOptions {
  /** Spread the closes over about this many milliseconds. */
  drainMs: number;
  /** Number of batches. Default 10. */
  batches?: number;
  /** Smallest batch: fewer sockets than this are closed at once. Default 50. */
  minBatch?: number;
  /** Random source for the jitter. Default `Math.random`. */
  random?: () => number;
}

/**
 * Closes connections in batches with jittered pauses, so that thousands of clients do not
 * reconnect (and sync) in the same instant after a deploy (Parabol, nostream: perf.md §3.6).
 */
export async function drainInBatches(
  connections: readonly { close(): void }[],
  options: DrainOptions,
): Promise<void> {
  const { drainMs, batches, minBatch, random } = {
    batches: 10,
    minBatch: 50,
    random: Math.random,
    ...options,
  };
  const size = Math.max(minBatch, Math.ceil(connections.length / batches));
  for (let start = 0; start < connections.length; start += size) {
    if (start > 0) {
      const pause = (drainMs / batches) * (0.5 + random());
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
    for (const connection of connections.slice(start, start + size)) connection.close();
  }
}
