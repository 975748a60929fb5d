/**
 * Scale-out (DESIGN §9): what several server nodes share through Redis — the Socket.io adapter
 * for cross-node fan-out, rate-limit counters, and an ephemeral bus for presence and typing.
 * With no `REDIS_URL` the server runs single-node and none of this connects anywhere.
 */
export { clusterBus } from './context-bus.js';
export { createMemoryClusterBus } from './cluster-bus.js';
export type { BusListener, ClusterBus } from './cluster-bus.js';
export { memoryCounterFactory, redisCounterFactory } from './counters.js';
export type { CounterFactory, CounterRule } from './counters.js';
export { createRedisCluster } from './redis-cluster.js';
export type { Cluster, RedisClusterOptions } from './redis-cluster.js';
