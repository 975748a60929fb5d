import type { AppContext } from '../app-context.js';
import type { ClusterBus } from './cluster-bus.js';
import { createMemoryClusterBus } from './cluster-bus.js';

const local = new WeakMap<AppContext, ClusterBus>();

/**
 * The server's {@link ClusterBus}: Redis when `REDIS_URL` is set, else one in-process bus per
 * server. Presence and typing publish and keep their expiring keys here, so the same code is
 * right on one node and on many.
 *
 * @example
 * ```ts
 * const bus = clusterBus(ctx);
 * await bus.set(`presence:${userId}`, 'online', 60_000);
 * const off = bus.subscribe('typing', (message, fromNode) => { ... });
 * ```
 */
export function clusterBus(ctx: AppContext): ClusterBus {
  if (ctx.cluster) return ctx.cluster.bus;
  let bus = local.get(ctx);
  if (!bus) {
    bus = createMemoryClusterBus({
      now: ctx.now,
      onError: (err) => ctx.logger.error({ err }, 'cluster bus listener failed'),
    });
    local.set(ctx, bus);
  }
  return bus;
}
