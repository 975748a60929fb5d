import type { Timers } from '../src/auth/timers.js';

interface PendingTimer {
  at: number;
  callback: () => void;
}

/**
 * A clock and timers the test moves by hand, for one client: the real server in the same
 * process keeps real time, so global fake timers cannot be used in end-to-end tests. Time
 * flows as usual (so it stays in step with the server) plus whatever `advance` adds; timers
 * fire only from `advance`.
 */
export class ManualClock implements Timers {
  #offset = 0;
  #nextId = 1;
  readonly #pending = new Map<number, PendingTimer>();

  /** Current time; pass as the client's `now`. */
  readonly now = (): number => Date.now() + this.#offset;

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#nextId++;
    this.#pending.set(id, { at: this.now() + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  /** Number of timers waiting to fire. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Moves time forward by `ms` and fires the timers now due, earliest first. */
  advance(ms: number): void {
    this.#offset += ms;
    const due = [...this.#pending]
      .filter(([, timer]) => timer.at <= this.now())
      .sort((x, y) => x[1].at - y[1].at);
    for (const [id, timer] of due) {
      this.#pending.delete(id);
      timer.callback();
    }
  }
}
