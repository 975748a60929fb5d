import { describe, expect, it } from 'vitest';
import { REFRESH_LOCK, withRefreshLock } from './refresh-lock.js';
import type { LockManagerLike } from './refresh-lock.js';

/** A minimal in-process lock manager with Web Locks semantics (exclusive, FIFO). */
function fifoLocks(): LockManagerLike & { names: string[] } {
  const tails = new Map<string, Promise<unknown>>();
  const names: string[] = [];
  return {
    names,
    request<T>(name: string, callback: () => Promise<T>): Promise<T> {
      names.push(name);
      const previous = tails.get(name) ?? Promise.resolve();
      const run = previous.then(callback, callback);
      tails.set(
        name,
        run.catch(() => undefined),
      );
      return run;
    },
  };
}

describe('withRefreshLock', () => {
  it('runs the task directly where there are no Web Locks', async () => {
    expect(await withRefreshLock(async () => 42, undefined)).toBe(42);
  });

  it('serializes tasks under the refresh lock so no two rotations overlap', async () => {
    const locks = fifoLocks();
    const log: string[] = [];
    const task = (id: string) => async () => {
      log.push(`start ${id}`);
      await new Promise((r) => setTimeout(r, 5));
      log.push(`end ${id}`);
      return id;
    };
    const results = await Promise.all([
      withRefreshLock(task('a'), locks),
      withRefreshLock(task('b'), locks),
    ]);
    expect(results).toEqual(['a', 'b']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
    expect(locks.names).toEqual([REFRESH_LOCK, REFRESH_LOCK]);
  });
});
