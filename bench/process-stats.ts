import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

/** What a bench server reports about itself (cumulative since it started). */
export interface ProcessStats {
  /** CPU time (user + system), seconds. */
  cpuSec: number;
  /** Event-loop active and idle time, ms (`performance.eventLoopUtilization()`). */
  eluActiveMs: number;
  eluIdleMs: number;
  rssMB: number;
  heapUsedMB: number;
  /** Wall clock of the sample, `Date.now()`. */
  at: number;
  /**
   * Event-loop delay since the previous sample (`monitorEventLoopDelay`, 5 ms resolution),
   * p99 and max in ms: how long a ready callback (a packet, an ack) waited for the loop.
   */
  loopDelayP99Ms?: number;
  loopDelayMaxMs?: number;
}

/**
 * Answers the harness's `{ id, gc }` IPC messages with {@link ProcessStats}, so the harness
 * can record the server's CPU and event-loop utilisation at each step without an HTTP route.
 */
export function answerStats(): void {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  process.on('message', (m: { id: number; gc?: boolean }) => {
    if (m.gc) (globalThis as { gc?: () => void }).gc?.();
    const cpu = process.cpuUsage();
    const elu = performance.eventLoopUtilization();
    const mem = process.memoryUsage();
    const stats: ProcessStats = {
      cpuSec: (cpu.user + cpu.system) / 1e6,
      eluActiveMs: elu.active,
      eluIdleMs: elu.idle,
      rssMB: mem.rss / 2 ** 20,
      heapUsedMB: mem.heapUsed / 2 ** 20,
      at: Date.now(),
      loopDelayP99Ms: delay.percentile(99) / 1e6,
      loopDelayMaxMs: delay.max / 1e6,
    };
    delay.reset();
    process.send?.({ id: m.id, stats });
  });
  // The IPC channel must not keep a finished server alive, nor its loss crash it.
  process.channel?.unref();
  process.on('disconnect', () => process.exit(0));
}

/** CPU share (of one core) and event-loop utilisation between two samples. */
export function between(a: ProcessStats, b: ProcessStats): { cpu: number; elu: number } {
  const wallSec = (b.at - a.at) / 1000;
  const active = b.eluActiveMs - a.eluActiveMs;
  const idle = b.eluIdleMs - a.eluIdleMs;
  return {
    cpu: wallSec > 0 ? (b.cpuSec - a.cpuSec) / wallSec : Number.NaN,
    elu: active + idle > 0 ? active / (active + idle) : Number.NaN,
  };
}
