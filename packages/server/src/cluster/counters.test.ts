import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { afterAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../../test/cluster/cluster-nodes.js';
import { redisCounterFactory } from './counters.js';

const redisUrl = await testRedisUrl('Redis rate-limit counter tests');

const refused = (p: Promise<unknown>) =>
  p.then(
    () => false,
    (e: unknown) => e instanceof RateLimiterRes,
  );

describe.skipIf(!redisUrl)('Redis rate-limit counters', () => {
  const prefix = `parley_t_rl_${randomBytes(4).toString('hex')}:`;
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis(redisUrl!, { enableOfflineQueue: false });
    clients.push(c);
    return new Promise<Redis>((resolve) => c.once('ready', () => resolve(c)));
  };
  afterAll(async () => {
    const keys = await clients[0]!.keys(`${prefix}*`);
    if (keys.length > 0) await clients[0]!.del(...keys);
    for (const c of clients) c.disconnect();
  });

  it('share one count between two nodes', async () => {
    const rule = { points: 3, durationSec: 60 };
    const nodeA = redisCounterFactory(await client(), prefix)('send', rule);
    const nodeB = redisCounterFactory(await client(), prefix)('send', rule);
    await nodeA.consume('u1');
    await nodeB.consume('u1');
    await nodeA.consume('u1');
    expect(await refused(nodeB.consume('u1'))).toBe(true);
    expect(await refused(nodeA.consume('u2'))).toBe(false);
  });

  it('fall back to counting in memory, still limiting, while Redis is unreachable', async () => {
    const down = new Redis('redis://127.0.0.1:1', {
      enableOfflineQueue: false,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    down.on('error', () => undefined);
    const limiter = redisCounterFactory(down, prefix)('send', { points: 2, durationSec: 60 });
    expect(await refused(limiter.consume('u'))).toBe(false);
    expect(await refused(limiter.consume('u'))).toBe(false);
    expect(await refused(limiter.consume('u'))).toBe(true);
    down.disconnect();
  });
});
