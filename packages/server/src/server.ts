import { mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { DestinationStream, Logger } from 'pino';
import type { AppContext } from './app-context.js';
import { createApp } from './app.js';
import type { Readiness } from './app.js';
import { parseConfig } from './config.js';
import type { ServerConfig, ServerConfigInput } from './config.js';
import { createAuditLog } from './observability/audit.js';
import type { AuditLog } from './observability/audit.js';
import { createLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { writeRunMarker } from './ops/run-marker.js';
import { registerStorageMetrics } from './observability/storage-metrics.js';
import { startRetentionJob } from './retention/retention-job.js';
import type { RetentionJob } from './retention/retention-job.js';
import { createRealtimeHub } from './realtime/index.js';
import { fileService, scheduleFileCleanup } from './files/index.js';
import type { BlobStore } from './files/index.js';
import type { Store } from './store/store.js';
import { createSqliteStore } from './store/sqlite/sqlite-store.js';
import { createPostgresStore } from './store/postgres/postgres-store.js';
import { createRedisCluster } from './cluster/redis-cluster.js';
import type { Cluster } from './cluster/redis-cluster.js';

/** Options of {@link createServer}: any configuration setting, plus injectable parts. */
export interface ServerOptions extends ServerConfigInput {
  /** Use this logger instead of creating one from `logLevel`. */
  logger?: Logger;
  /** Where the operational log goes when no `logger` is given (standard output by default). */
  logDestination?: DestinationStream;
  /** Use this audit log instead of `<dataDir>/audit.log`. */
  auditLog?: AuditLog;
  /** The clock, in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Where file bytes go. Default: the filesystem under `<dataDir>/files`. */
  blobStore?: BlobStore;
  /**
   * Folder of the `<chat-widget>` script-tag bundle served at `/widget.js`. Default:
   * `@parley/widgets`' `dist/` (tests serve a bundle built elsewhere).
   */
  widgetDir?: string;
}

/** A running (or ready to run) Parley server. */
export interface ParleyServer {
  readonly config: ServerConfig;
  readonly app: Express;
  readonly httpServer: http.Server | https.Server;
  readonly context: AppContext;
  /** The scheduled deletion of history older than `retentionDays` (runs by itself). */
  readonly retention: RetentionJob;
  /** Base URL once listening, e.g. `http://127.0.0.1:3000`. */
  readonly url: string | undefined;
  /** Starts accepting connections; resolves with the bound URL. */
  listen(): Promise<{ url: string }>;
  /**
   * Graceful shutdown: `/ready` turns 503, no new connections, in-flight requests get
   * `shutdownGraceMs` to finish, then logs are flushed and the store is closed.
   */
  close(): Promise<void>;
}

const PURGE_INTERVAL_MS = 60 * 60 * 1000;

function openStore(config: ServerConfig): Promise<Store> {
  if (config.databaseUrl) {
    return createPostgresStore({
      connectionString: config.databaseUrl,
      poolSize: config.databasePoolSize,
      ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
    });
  }
  return createSqliteStore({ dataDir: config.dataDir, writerThread: config.sqliteWriterThread });
}

/**
 * Creates a Parley server: validates the configuration (throws `ConfigError`), opens the store
 * and runs its migrations, and builds the app. Call `listen()` to serve.
 *
 * @example
 * const server = await createServer({ port: 0, dataDir: './data' });
 * const { url } = await server.listen();
 */
export async function createServer(options: ServerOptions = {}): Promise<ParleyServer> {
  const {
    logger: givenLogger,
    logDestination,
    auditLog,
    now,
    blobStore,
    widgetDir,
    ...input
  } = options;
  const config = parseConfig(input);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const logger =
    givenLogger ??
    createLogger({
      level: config.logLevel,
      ...(logDestination ? { destination: logDestination } : {}),
    });
  const store = await openStore(config);
  let cluster: Cluster | undefined;
  if (config.redisUrl) {
    try {
      cluster = await createRedisCluster({
        url: config.redisUrl,
        logger,
        prefix: config.redisPrefix,
      });
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  const context: AppContext = {
    config,
    store,
    logger,
    audit: auditLog ?? createAuditLog({ dataDir: config.dataDir }),
    metrics: createMetrics(),
    now: now ?? Date.now,
    ...(cluster ? { cluster } : {}),
  };
  const readiness: Readiness = { state: 'starting' };
  fileService(context, blobStore); // before the routes, so they use this blob store
  const app = createApp(context, readiness, widgetDir ? { widgetDir } : {});
  const httpServer =
    config.tlsCert && config.tlsKey
      ? https.createServer(
          {
            cert: readFileSync(config.tlsCert),
            key: readFileSync(config.tlsKey),
            minVersion: 'TLSv1.3',
          },
          app,
        )
      : http.createServer(app);
  // Slowloris protection: bound the time a client may take to send headers and a request.
  httpServer.headersTimeout = 20_000;
  httpServer.requestTimeout = 60_000;
  const realtime = createRealtimeHub(context, httpServer);

  let url: string | undefined;
  let closing: Promise<void> | undefined;
  let removeRunMarker: (() => void) | undefined;

  // Expired sessions are refused anyway; this only keeps the table small.
  const purge = setInterval(() => {
    store.purgeExpiredSessions(context.now()).catch((err: unknown) => {
      logger.warn({ err }, 'purging expired sessions failed');
    });
  }, PURGE_INTERVAL_MS);
  purge.unref();
  const stopFileCleanup = scheduleFileCleanup(context, fileService(context));
  const retention = startRetentionJob(context);
  registerStorageMetrics(context);

  async function shutdown(): Promise<void> {
    readiness.state = 'draining';
    clearInterval(purge);
    stopFileCleanup();
    const retentionStopped = retention.stop();
    const httpClosed = new Promise<void>((resolve) => {
      const timer = setTimeout(() => httpServer.closeAllConnections(), config.shutdownGraceMs);
      timer.unref();
      httpServer.close(() => {
        clearTimeout(timer);
        resolve();
      });
      httpServer.closeIdleConnections();
      if (!httpServer.listening) resolve();
    });
    // Sockets keep the HTTP server open: drain them (and the pending writes) in between.
    await realtime.close();
    await httpClosed;
    await retentionStopped;
    await store.close();
    await cluster?.close();
    removeRunMarker?.();
    context.audit.flush();
    logger.info('server stopped');
    logger.flush();
  }

  return {
    config,
    app,
    httpServer,
    context,
    retention,
    get url() {
      return url;
    },
    async listen() {
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => {
          httpServer.off('error', reject);
          resolve();
        });
      });
      const address = httpServer.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      url = `${config.tlsCert ? 'https' : 'http'}://${host}:${address.port}`;
      // `parley-server restore` refuses to run while this marker names a live process.
      removeRunMarker = writeRunMarker(config.dataDir, url, context.now());
      readiness.state = 'ready';
      logger.info({ url, dataDir: config.dataDir }, 'server listening');
      return { url };
    },
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}
