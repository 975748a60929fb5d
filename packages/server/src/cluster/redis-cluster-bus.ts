import type { Redis } from 'ioredis';
import type { ClusterBus } from './cluster-bus.js';
import { createListenerTable } from './cluster-bus.js';

/** Options of {@link createRedisClusterBus}. */
export interface RedisClusterBusOptions {
  /** Commands (SET, GET, PUBLISH); best created with `enableOfflineQueue: false`, to fail fast. */
  client: Redis;
  /** A dedicated connection for SUBSCRIBE (Redis forbids other commands on it). */
  subscriber: Redis;
  nodeId: string;
  /** Prefix of keys and of the channel. Default `parley:`. */
  prefix?: string;
  onError?: (error: unknown) => void;
}

interface Envelope {
  c: string;
  m: string;
  n: string;
}

/**
 * The Redis {@link ClusterBus}. Every node subscribes to one Redis channel once (ioredis
 * resubscribes by itself after a reconnect) and dispatches by logical channel locally, so
 * `subscribe` never talks to Redis and cannot fail during an outage. Keys are `SET … PX`.
 * While Redis is down, messages published meanwhile are lost (PUB/SUB is at-most-once) and
 * commands reject: fine for the ephemeral state this bus is for.
 */
export async function createRedisClusterBus(options: RedisClusterBusOptions): Promise<ClusterBus> {
  const { client, subscriber, nodeId, prefix = 'parley:', onError = () => undefined } = options;
  const channel = `${prefix}bus`;
  const keyOf = (key: string) => `${prefix}eph:${key}`;
  const listeners = createListenerTable(onError);
  subscriber.on('message', (from: string, raw: string) => {
    if (from !== channel) return;
    try {
      const envelope = JSON.parse(raw) as Envelope;
      listeners.dispatch(envelope.c, envelope.m, envelope.n);
    } catch (error) {
      onError(error);
    }
  });
  await subscriber.subscribe(channel);
  let closed = false;
  return {
    nodeId,
    distributed: true,
    async publish(name, message) {
      const envelope: Envelope = { c: name, m: message, n: nodeId };
      await client.publish(channel, JSON.stringify(envelope));
    },
    subscribe: (name, listener) => listeners.add(name, listener),
    async set(key, value, ttlMs) {
      await client.set(keyOf(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)));
    },
    async get(key) {
      return (await client.get(keyOf(key))) ?? undefined;
    },
    async getMany(keys) {
      if (keys.length === 0) return [];
      const values = await client.mget(...keys.map(keyOf));
      return values.map((v) => v ?? undefined);
    },
    async delete(key) {
      await client.del(keyOf(key));
    },
    async close() {
      if (closed) return;
      closed = true;
      await subscriber.unsubscribe(channel).catch(() => undefined);
    },
  };
}
