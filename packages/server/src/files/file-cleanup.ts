import type { AppContext } from '../app-context.js';
import type { FileService } from './file-service.js';

/** Files removed per batch: bounds the time one run holds the event loop between awaits. */
const BATCH = 200;

/**
 * Removes uploads that no message references once they are older than the grace period
 * (`files.graceSec`): abandoned uploads, uploads whose message was never sent, and records of
 * uploads a crash interrupted. Also clears unfinished temporary blobs of the same age.
 * Each deletion is a compare-and-set on "still unreferenced", so a message sent at the last
 * moment keeps its file.
 *
 * @returns How many files were removed.
 */
export async function removeUnreferencedFiles(
  ctx: AppContext,
  service: FileService,
): Promise<number> {
  const graceMs = ctx.config.files.graceSec * 1000;
  const cutoff = ctx.now() - graceMs;
  let removed = 0;
  for (;;) {
    const batch = await ctx.store.listUnreferencedFiles(cutoff, BATCH);
    for (const file of batch) {
      if (await service.remove(file, { onlyUnreferenced: true })) removed++;
    }
    if (batch.length < BATCH) break;
  }
  await service.blobs.sweepIncomplete(graceMs);
  return removed;
}

/**
 * Runs {@link removeUnreferencedFiles} every `files.cleanupIntervalSec` seconds (timer unref'd,
 * runs never overlap).
 *
 * @returns A function that stops the schedule.
 */
export function scheduleFileCleanup(ctx: AppContext, service: FileService): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    removeUnreferencedFiles(ctx, service)
      .then((removed) => {
        if (removed > 0) ctx.logger.info({ removed }, 'removed unreferenced uploads');
      })
      .catch((err: unknown) => ctx.logger.warn({ err }, 'file cleanup failed'))
      .finally(() => {
        running = false;
      });
  }, ctx.config.files.cleanupIntervalSec * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
