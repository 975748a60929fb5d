import { Counter, Gauge, Histogram } from 'prom-client';
import type { Metrics } from '../observability/metrics.js';

/** The realtime hub's Prometheus metrics (DESIGN §11). */
export interface RealtimeMetrics {
  /** Socket events answered, by event and outcome (`ok` or an error code). */
  events: Counter<'event' | 'outcome'>;
  /** Time from receiving `send` to its acknowledgement (includes the group commit). */
  ackLatency: Histogram;
  /** Messages per group-commit transaction. */
  batchSize: Histogram;
}

/**
 * Registers the realtime metrics in the server's registry: open connections (read from
 * `connections()` at scrape time), events by outcome, send-to-ack latency and batch sizes.
 */
export function createRealtimeMetrics(
  metrics: Metrics,
  connections: () => number,
): RealtimeMetrics {
  const registers = [metrics.registry];
  new Gauge({
    name: 'parley_socket_connections',
    help: 'Open authenticated Socket.io connections',
    registers,
    collect() {
      this.set(connections());
    },
  });
  return {
    events: new Counter({
      name: 'parley_socket_events_total',
      help: 'Socket events answered, by event and outcome',
      labelNames: ['event', 'outcome'],
      registers,
    }),
    ackLatency: new Histogram({
      name: 'parley_send_ack_seconds',
      help: 'Time from receiving a send to acknowledging it after commit',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    batchSize: new Histogram({
      name: 'parley_db_write_batch_size',
      help: 'Messages written per group-commit transaction',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
      registers,
    }),
  };
}
