import { Counter, Gauge } from 'prom-client';
import type { AppContext } from '../app-context.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Options of {@link startRetentionJob}. */
export interface RetentionJobOptions {
  /** Messages deleted per store call (one short transaction each). Default 500. */
  batchSize?: number;
  /** Delay before the first run after start, in ms. Default 10 s (the server settles first). */
  firstRunDelayMs?: number;
}

/** The scheduled deletion of expired history. */
export interface RetentionJob {
  /**
   * Deletes every message older than the window now; concurrent calls share one run.
   * @returns How many messages were deleted (0 when history is kept forever).
   */
  runOnce(): Promise<number>;
  /** Stops the schedule and waits for a run in progress to reach a batch boundary. */
  stop(): Promise<void>;
}

/**
 * Enforces `RETENTION_DAYS` (DESIGN §6): every `retentionSweepMs`, messages stored more than
 * that many days ago are deleted in batches, with the event loop free between batches. With no
 * window set (the default) nothing is ever deleted and no timer runs. Safe on several nodes
 * sharing one database: deleting what another node already deleted is a no-op.
 *
 * What clients see: the log keeps its `seq` numbers and gets holes where messages were;
 * history pages and `sync` report `historyStart`, and the SDK accepts holes below it.
 */
export function startRetentionJob(
  ctx: AppContext,
  options: RetentionJobOptions = {},
): RetentionJob {
  const { batchSize, firstRunDelayMs } = { batchSize: 500, firstRunDelayMs: 10_000, ...options };
  const { config, store, logger } = ctx;
  const registers = [ctx.metrics.registry];
  const deletedTotal = new Counter({
    name: 'parley_retention_deleted_messages_total',
    help: 'Messages deleted by the retention policy',
    registers,
  });
  const lastRun = new Gauge({
    name: 'parley_retention_last_run_timestamp_seconds',
    help: 'When the retention job last finished (0: never; history kept forever)',
    registers,
  });

  let running: Promise<number> | undefined;
  let stopped = false;

  async function sweep(days: number): Promise<number> {
    const cutoff = ctx.now() - days * DAY_MS;
    let total = 0;
    for (;;) {
      const n = await store.expireMessages(cutoff, batchSize);
      total += n;
      deletedTotal.inc(n);
      if (n < batchSize || stopped) break;
    }
    lastRun.set(ctx.now() / 1000);
    if (total > 0)
      logger.info({ deleted: total, cutoff, days }, 'retention: expired messages deleted');
    return total;
  }

  function runOnce(): Promise<number> {
    const days = config.retentionDays;
    if (days === undefined) return Promise.resolve(0);
    running ??= sweep(days)
      .catch((err: unknown) => {
        logger.error({ err }, 'retention: the sweep failed; it runs again at the next interval');
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  const timers: NodeJS.Timeout[] = [];
  if (config.retentionDays !== undefined) {
    const first = setTimeout(
      () => void runOnce(),
      Math.min(firstRunDelayMs, config.retentionSweepMs),
    );
    const every = setInterval(() => void runOnce(), config.retentionSweepMs);
    first.unref();
    every.unref();
    timers.push(first, every);
  }

  return {
    runOnce,
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      await running;
    },
  };
}
