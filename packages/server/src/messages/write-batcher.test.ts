import { describe, expect, it, vi } from 'vitest';
import { createWriteBatcher } from './write-batcher.js';
import type { WriteBatcher } from './write-batcher.js';

describe('createWriteBatcher', () => {
  it('writes everything submitted in one tick as one batch, results in order', async () => {
    const batches: number[][] = [];
    const batcher = createWriteBatcher<number, string>({
      write: async (items) => {
        batches.push(items);
        return items.map((n) => `r${n}`);
      },
    });
    const results = await Promise.all([1, 2, 3].map((n) => batcher.submit(n)));
    expect(results).toEqual(['r1', 'r2', 'r3']);
    expect(batches).toEqual([[1, 2, 3]]);
    await batcher.submit(4);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('splits at maxBatch and never runs two batches at once', async () => {
    let running = 0;
    let overlap = false;
    const sizes: number[] = [];
    const batcher = createWriteBatcher<number, number>({
      maxBatch: 2,
      write: async (items) => {
        running++;
        if (running > 1) overlap = true;
        await new Promise((r) => setTimeout(r, 5));
        running--;
        sizes.push(items.length);
        return items;
      },
    });
    const first = [1, 2, 3, 4, 5].map((n) => batcher.submit(n));
    await new Promise((r) => setTimeout(r, 1));
    // Submitted while a batch is being written: goes into a later batch.
    const late = batcher.submit(6);
    expect(await Promise.all([...first, late])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(overlap).toBe(false);
    expect(sizes.reduce((a, b) => a + b)).toBe(6);
    expect(Math.max(...sizes)).toBe(2);
  });

  it('rejects every item of a failed batch and keeps working afterwards', async () => {
    let fail = true;
    const batcher = createWriteBatcher<number, number>({
      write: async (items) => {
        if (fail) throw new Error('disk full');
        return items;
      },
    });
    const failed = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await batcher.submit(3)).toBe(3);
  });

  it('flush resolves once queued items are written, and at once when idle', async () => {
    const written: number[] = [];
    const batcher = createWriteBatcher<number, number>({
      write: async (items) => {
        written.push(...items);
        return items;
      },
    });
    await batcher.flush();
    void batcher.submit(1);
    void batcher.submit(2);
    expect(batcher.pending).toBe(2);
    await batcher.flush();
    expect(written).toEqual([1, 2]);
    expect(batcher.pending).toBe(0);
  });

  /**
   * A batcher whose every commit takes 20 ms of fake time, and the fake start time of each of
   * its batches; fake timers stay on until `run` returns.
   */
  async function withSlowCommits(
    options: { spacing: number; maxGapMs?: number },
    run: (batcher: WriteBatcher<number, number>, starts: number[]) => Promise<void>,
  ): Promise<void> {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'performance'] });
    try {
      const starts: number[] = [];
      const batcher = createWriteBatcher<number, number>({
        ...options,
        write: async (items) => {
          starts.push(performance.now());
          // A slow commit: 20 ms of (fake) fsync, or a checkpoint.
          await new Promise((r) => setTimeout(r, 20));
          return items;
        },
      });
      await run(batcher, starts);
    } finally {
      vi.useRealTimers();
    }
  }

  it('spaces batches by a multiple of the last one when commits turn slow', async () => {
    await withSlowCommits({ spacing: 3 }, async (batcher, starts) => {
      const first = batcher.submit(1);
      await vi.advanceTimersByTimeAsync(25);
      await first;
      const second = batcher.submit(2);
      await vi.advanceTimersByTimeAsync(30);
      expect(starts).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(50);
      await second;
      // The 20 ms batch, then a gap of 3 × 20 ms: busy a quarter of the time.
      expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(80);
    });
  });

  it('caps the gap at maxGapMs, however long the last batch took', async () => {
    await withSlowCommits({ spacing: 1, maxGapMs: 2 }, async (batcher, starts) => {
      const first = batcher.submit(1);
      await vi.advanceTimersByTimeAsync(1);
      // Arrives while the first batch commits: waits for it and then for the gap.
      const second = batcher.submit(2);
      await vi.advanceTimersByTimeAsync(20);
      await first;
      // 21 ms: the first batch is done, the gap not yet.
      expect(starts).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(60);
      await second;
      // 20 ms of commit, then 2 ms (not 20): the cap bounds the latency the spacing adds.
      expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(22);
      expect(starts[1]! - starts[0]!).toBeLessThan(24);
    });
  });

  it('reports each batch size', async () => {
    const sizes: number[] = [];
    const batcher = createWriteBatcher<number, number>({
      write: async (items) => items,
      onBatch: (size) => sizes.push(size),
    });
    await Promise.all([1, 2, 3, 4].map((n) => batcher.submit(n)));
    expect(sizes).toEqual([4]);
  });
});
