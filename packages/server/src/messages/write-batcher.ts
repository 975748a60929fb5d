/** Options of {@link createWriteBatcher}. */
export interface WriteBatcherOptions<I, R> {
  /** Writes a batch in one transaction; returns one result per item, in order. */
  write(items: I[]): Promise<R[]>;
  /**
   * Called with a committed batch's results (and its items, in the same order) before its
   * submitters resume (the fan-out). Its time is not part of the batch's duration: the spacing
   * is about the store, not about what the server does with the results. Must not throw (an
   * exception is ignored).
   */
  committed?: (results: R[], items: I[]) => void;
  /** Largest batch; more waiting items go into the next one. Default 1000. */
  maxBatch?: number;
  /** Schedules the flush of a tick's items. Default `setImmediate`. */
  schedule?: (flush: () => void) => void;
  /**
   * Leave this many times the last batch's duration between the starts of two batches (items
   * arriving meanwhile join the next one), so that commits that block the event loop take at
   * most `1 / (spacing + 1)` of its time when they turn slow (a busy disk makes each fsync
   * take milliseconds). Idle, the first item is written at once. Default 0 (off).
   */
  spacing?: number;
  /** Longest gap the spacing may leave after a batch, in ms. Default no limit. */
  maxGapMs?: number;
  /** Called after each batch with its size and commit duration in ms (metrics). */
  onBatch?: (size: number, ms: number) => void;
}

/** Groups writes submitted during one event-loop tick into one transaction. */
export interface WriteBatcher<I, R> {
  /** Queues an item; resolves with its result once its batch committed. */
  submit(item: I): Promise<R>;
  /** Resolves once everything submitted so far has been written (or failed). */
  flush(): Promise<void>;
  /** Items waiting or being written. */
  readonly pending: number;
}

interface Waiting<I, R> {
  item: I;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * Group commit: every item submitted before the scheduled flush runs (`setImmediate`, i.e.
 * after the current round of I/O callbacks: all socket packets that arrived together) is
 * written in one transaction. With `synchronous=FULL` each commit costs an fsync, so one commit
 * per tick instead of per message is what keeps durable writes fast under load.
 *
 * Batches never overlap, so results (and the fan-out that follows them) come in commit order.
 * If a batch fails, every item of it is rejected: the transaction rolled back, nothing of it
 * was stored, and clients retry.
 *
 * @example
 * ```ts
 * const batcher = createWriteBatcher({ write: (items) => store.appendMessages(items) });
 * const result = await batcher.submit(message);
 * ```
 */
export function createWriteBatcher<I, R>(options: WriteBatcherOptions<I, R>): WriteBatcher<I, R> {
  const { write, committed, maxBatch, schedule, onBatch, spacing, maxGapMs } = {
    maxBatch: 1000,
    schedule: (flush: () => void) => void setImmediate(flush),
    committed: undefined,
    onBatch: undefined,
    spacing: 0,
    maxGapMs: Number.POSITIVE_INFINITY,
    ...options,
  };
  const queue: Waiting<I, R>[] = [];
  let scheduled = false;
  let running = false;
  let inFlight = 0;
  let idle: Array<() => void> = [];
  let lastStart = Number.NEGATIVE_INFINITY;
  let lastDuration = 0;
  // The gap after a batch is `spacing` times its duration: busy `1 / (spacing + 1)` of the time.
  const nextStart = () => lastStart + lastDuration + Math.min(spacing * lastDuration, maxGapMs);

  /** Schedules a run: next tick, or once the spacing since the last batch has passed. */
  function trigger(): void {
    scheduled = true;
    const wait = nextStart() - performance.now();
    if (wait > 0) setTimeout(() => void run(), wait);
    else schedule(() => void run());
  }

  async function run(): Promise<void> {
    scheduled = false;
    if (running) return;
    running = true;
    while (queue.length > 0) {
      if (nextStart() > performance.now()) {
        // Too soon after the last batch: let more items gather (the waiters stay waiting).
        running = false;
        trigger();
        return;
      }
      lastStart = performance.now();
      const batch = queue.splice(0, maxBatch);
      inFlight = batch.length;
      const started = performance.now();
      const items = batch.map((w) => w.item);
      let results: R[] | undefined;
      try {
        results = await write(items);
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
      lastDuration = performance.now() - started;
      if (results) {
        try {
          committed?.(results, items);
        } catch {
          // Documented as must-not-throw; the batch is stored, so its submitters still get
          // their results, and the batcher keeps running.
        }
        batch.forEach((w, i) => w.resolve(results[i] as R));
      }
      inFlight = 0;
      onBatch?.(batch.length, lastDuration);
    }
    running = false;
    const waiters = idle;
    idle = [];
    for (const done of waiters) done();
  }

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (!scheduled && !running) trigger();
      });
    },
    flush() {
      if (queue.length === 0 && !running) return Promise.resolve();
      if (!scheduled && !running) trigger();
      return new Promise((resolve) => idle.push(resolve));
    },
    get pending() {
      return queue.length + inFlight;
    },
  };
}
