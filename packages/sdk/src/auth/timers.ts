/**
 * The timer functions the SDK schedules with. Injectable so tests (and hosts with their own
 * scheduler) can drive time: the SDK never calls the global `setTimeout` directly for
 * anything time-dependent.
 */
export interface Timers {
  /** Calls `callback` once after `ms` milliseconds; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a pending `setTimeout`; unknown or fired handles are ignored. */
  clearTimeout(handle: unknown): void;
}

/** The host's timers (`globalThis.setTimeout`/`clearTimeout`), looked up at call time. */
export const systemTimers: Timers = {
  setTimeout(callback, ms) {
    const handle = globalThis.setTimeout(callback, ms);
    // In Node, a pending refresh must not keep a script alive after it is otherwise done.
    if (typeof handle === 'object' && handle !== null && 'unref' in handle) {
      (handle as { unref(): void }).unref();
    }
    return handle;
  },
  clearTimeout(handle) {
    globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>);
  },
};

/** setTimeout's largest delay (2^31 − 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;
