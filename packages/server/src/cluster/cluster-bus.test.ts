import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../../test/cluster/cluster-nodes.js';
import { createMemoryClusterBus } from './cluster-bus.js';
import type { ClusterBus } from './cluster-bus.js';
import { createRedisClusterBus } from './redis-cluster-bus.js';

const until = async (check: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('memory ClusterBus', () => {
  it('delivers to local subscribers with the node id, and stops after unsubscribe', async () => {
    const bus = createMemoryClusterBus({ nodeId: 'n1' });
    const got: string[] = [];
    const off = bus.subscribe('typing', (m, from) => got.push(`${from}:${m}`));
    await bus.publish('typing', 'a');
    await bus.publish('other', 'x');
    await until(() => got.length === 1);
    off();
    await bus.publish('typing', 'b');
    await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual(['n1:a']);
    expect(bus.distributed).toBe(false);
  });

  it('expires keys after their ttl', async () => {
    let now = 1000;
    const bus = createMemoryClusterBus({ now: () => now });
    await bus.set('presence:u', 'online', 500);
    expect(await bus.getMany(['presence:u', 'nope'])).toEqual(['online', undefined]);
    now += 500;
    expect(await bus.get('presence:u')).toBeUndefined();
  });

  it('keeps delivering to other listeners when one throws', async () => {
    const errors: unknown[] = [];
    const bus = createMemoryClusterBus({ onError: (e) => errors.push(e) });
    const got: string[] = [];
    bus.subscribe('c', () => {
      throw new Error('boom');
    });
    bus.subscribe('c', (m) => got.push(m));
    await bus.publish('c', 'x');
    await until(() => got.length === 1);
    expect(errors).toHaveLength(1);
  });
});

const redisUrl = await testRedisUrl('Redis ClusterBus tests');

describe.skipIf(!redisUrl)('Redis ClusterBus', () => {
  const prefix = `parley_t_bus_${randomBytes(4).toString('hex')}:`;
  const connections: Redis[] = [];
  const buses: ClusterBus[] = [];
  const node = async (nodeId: string): Promise<ClusterBus> => {
    const client = new Redis(redisUrl!, { enableOfflineQueue: false, lazyConnect: true });
    const subscriber = new Redis(redisUrl!, { lazyConnect: true });
    connections.push(client, subscriber);
    await Promise.all([client.connect(), subscriber.connect()]);
    const bus = await createRedisClusterBus({ client, subscriber, nodeId, prefix });
    buses.push(bus);
    return bus;
  };
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    const keys = await connections[0]!.keys(`${prefix}*`);
    if (keys.length > 0) await connections[0]!.del(...keys);
    for (const c of connections) c.disconnect();
  });

  it('reaches every node, the publisher included, and shares expiring keys', async () => {
    const [a, b] = [await node('a'), await node('b')];
    const got: string[] = [];
    a.subscribe('presence', (m, from) => got.push(`a<-${from}:${m}`));
    b.subscribe('presence', (m, from) => got.push(`b<-${from}:${m}`));
    await a.publish('presence', 'online');
    await until(() => got.length === 2);
    expect(got.sort()).toEqual(['a<-a:online', 'b<-a:online']);

    await a.set('presence:u1', 'online', 200);
    expect(await b.getMany(['presence:u1', 'presence:u2'])).toEqual(['online', undefined]);
    await new Promise((r) => setTimeout(r, 300));
    expect(await b.get('presence:u1')).toBeUndefined();
    await b.set('k', 'v', 10_000);
    await a.delete('k');
    expect(await b.get('k')).toBeUndefined();
  });
});
