import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { drainInBatches } from './drain.js';

describe('drainInBatches', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('closes connections in batches spread over the drain time', async () => {
    const closedAt: number[] = [];
    const connections = Array.from({ length: 1000 }, () => ({
      close: () => closedAt.push(Date.now()),
    }));
    const start = Date.now();
    const done = drainInBatches(connections, { drainMs: 1000, random: () => 0.5 });
    expect(closedAt).toHaveLength(100);
    await vi.advanceTimersByTimeAsync(1000);
    await done;
    expect(closedAt).toHaveLength(1000);
    expect(new Set(closedAt).size).toBe(10);
    expect(Math.max(...closedAt) - start).toBe(900);
  });

  it('closes a few connections at once', async () => {
    let closed = 0;
    await drainInBatches([{ close: () => closed++ }, { close: () => closed++ }], { drainMs: 5000 });
    expect(closed).toBe(2);
  });
});
