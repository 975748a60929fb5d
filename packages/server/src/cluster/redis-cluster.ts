import { randomUUID } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { ClusterBus } from './cluster-bus.js';
import type { CounterFactory } from './counters.js';
import { redisCounterFactory } from './counters.js';
import { createRedisClusterBus } from './redis-cluster-bus.js';

/** What several nodes share through Redis (DESIGN §9). */
export interface Cluster {
  /** Unique per process start. */
  readonly nodeId: string;
  /** Ephemeral pub/sub and expiring keys (presence, typing). */
  readonly bus: ClusterBus;
  /** Rate-limit counters shared by all nodes. */
  readonly counters: CounterFactory;
  /**
   * The Socket.io adapter for `new Server(http, { adapter })`: cross-node rooms, broadcasts,
   * `socketsJoin`/`socketsLeave`/`disconnectSockets` and `serverSideEmit`.
   */
  readonly socketAdapter: ReturnType<typeof createAdapter>;
  /** Closes every Redis connection this cluster opened. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link createRedisCluster}. */
export interface RedisClusterOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` (TLS). */
  url: string;
  logger: Logger;
  /** Prefix of every Redis key and channel. Default `parley:`. */
  prefix?: string;
  /** How long start-up waits for Redis, in ms. Default 5000. */
  connectTimeoutMs?: number;
  /** Most packets the adapter's stream keeps (how long a node may lag). Default 10000. */
  streamMaxLen?: number;
}

/**
 * Connects to Redis for a multi-node deployment and builds the three shared parts: the
 * Socket.io Redis Streams adapter, the rate-limit counters and the ephemeral bus.
 *
 * Connections, and what each does while Redis is away (docs/scaling.md has the full story):
 * - `adapter`: broadcasts are XADDed to one stream that every node reads (a duplicate, blocking
 *   connection per node). ioredis queues commands while reconnecting, so a short outage only
 *   delays packets: they are written when Redis is back, and readers resume from their last
 *   offset. A packet still queued after `maxRetriesPerRequest` reconnection attempts (about
 *   10 s) is dropped; members then fill the gap from the log by `seq`.
 * - `counters`: no offline queue; while down, each node counts in memory (insurance limiter).
 * - `bus`: no offline queue; ephemeral messages during the outage are lost.
 *
 * @throws {Error} When Redis does not answer within `connectTimeoutMs`.
 */
export async function createRedisCluster(options: RedisClusterOptions): Promise<Cluster> {
  const { url, logger, prefix = 'parley:', connectTimeoutMs = 5000 } = options;
  const nodeId = randomUUID();
  const log = logger.child({ component: 'redis' });
  const base: RedisOptions = {
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    connectionName: `parley-${nodeId.slice(0, 8)}`,
  };
  const clients: Redis[] = [];
  const open = async (name: string, extra: RedisOptions = {}): Promise<Redis> => {
    const client = new Redis(url, { ...base, ...extra });
    clients.push(client);
    watch(client, name);
    await client.connect();
    return client;
  };
  let lastError = 0;
  function watch(client: Redis, name: string): void {
    // Without an 'error' listener ioredis would print every failed reconnection attempt.
    client.on('error', (err: Error) => {
      const now = Date.now();
      if (now - lastError < 5000) return;
      lastError = now;
      log.warn({ err, connection: name }, 'redis connection error');
    });
    client.on('ready', () => log.debug({ connection: name }, 'redis connection ready'));
  }

  try {
    const adapterClient = await open('adapter');
    const fast = { enableOfflineQueue: false };
    const commands = await open('commands', fast);
    const subscriber = await open('subscriber');
    const bus = await createRedisClusterBus({
      client: commands,
      subscriber,
      nodeId,
      prefix,
      onError: (err) => log.error({ err }, 'cluster bus listener failed'),
    });
    const socketAdapter = createAdapter(adapterClient, {
      streamName: `${prefix}socket.io`,
      channelPrefix: `${prefix}socket.io`,
      maxLen: options.streamMaxLen ?? 10_000,
      // Short blocking reads so a closing node lets go of its reader quickly.
      blockTimeInMs: 2000,
    });
    let closing: Promise<void> | undefined;
    return {
      nodeId,
      bus,
      counters: redisCounterFactory(commands, `${prefix}rl:`),
      socketAdapter,
      close() {
        closing ??= (async () => {
          await bus.close();
          // QUIT politely, but never wait long for a Redis that is away.
          await Promise.all(
            clients.map(async (c) => {
              const timeout = new Promise((resolve) => setTimeout(resolve, 1000).unref());
              await Promise.race([c.quit().catch(() => undefined), timeout]);
              c.disconnect();
            }),
          );
        })();
        return closing;
      },
    };
  } catch (error) {
    for (const client of clients) client.disconnect();
    throw new Error(`could not connect to Redis at REDIS_URL: ${String(error)}`, { cause: error });
  }
}
