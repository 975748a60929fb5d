import type { Logger } from 'pino';
import type { ServerConfig } from './config.js';
import type { Store } from './store/store.js';
import type { AuditLog } from './observability/audit.js';
import type { Metrics } from './observability/metrics.js';
import type { Cluster } from './cluster/redis-cluster.js';

/** What every feature module receives: configuration, storage, logs, metrics and the clock. */
export interface AppContext {
  config: ServerConfig;
  store: Store;
  logger: Logger;
  audit: AuditLog;
  metrics: Metrics;
  /**
   * What several nodes share through Redis (set when `REDIS_URL` is): Socket.io adapter,
   * rate-limit counters, ephemeral bus. Absent on a single node; use `clusterBus(ctx)` for the bus.
   */
  cluster?: Cluster;
  /** Milliseconds since the epoch; injectable so tests can move time. */
  now: () => number;
}
