import type { Logger } from 'pino';
import type { ServerConfig } from './config.js';
import type { Store } from './store/store.js';
import type { AuditLog } from './observability/audit.js';
import type { Metrics } from './observability/metrics.js';

/** What every feature module receives: configuration, storage, logs, metrics and the clock. */
export interface AppContext {
  config: ServerConfig;
  store: Store;
  logger: Logger;
  audit: AuditLog;
  metrics: Metrics;
  /** Milliseconds since the epoch; injectable so tests can move time. */
  now: () => number;
}
