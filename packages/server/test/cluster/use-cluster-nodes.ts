import { afterAll, beforeAll } from 'vitest';
import type { ChatSocket } from '../../src/conversations/test-fixtures.js';
import { startNode } from './cluster-nodes.js';
import type { ClusterNode, ClusterServices } from './cluster-nodes.js';

/** What {@link useClusterNodes} hands a suite; filled in once its `beforeAll` has run. */
export interface ClusterSuite {
  /** The started nodes, in start order. */
  nodes: ClusterNode[];
  /** Sockets the suite opened: pushed here, they are disconnected after the suite. */
  sockets: ChatSocket[];
}

/**
 * Call inside a `describe` that is skipped when `services` is undefined: starts `count` nodes
 * before the suite (the first alone, so it applies the migrations; the others find them done,
 * and start together), and after it disconnects every socket in `sockets`, stops the nodes
 * gracefully and drops the services' schema and keys.
 */
export function useClusterNodes(
  services: ClusterServices | undefined,
  count: number,
): ClusterSuite {
  const suite: ClusterSuite = { nodes: [], sockets: [] };
  beforeAll(async () => {
    const svc = services!;
    suite.nodes.push(await startNode(svc));
    const rest = Array.from({ length: count - 1 }, () => startNode(svc));
    suite.nodes.push(...(await Promise.all(rest)));
  });
  afterAll(async () => {
    for (const s of suite.sockets) s.disconnect();
    await Promise.all(suite.nodes.map((n) => n.stop()));
    await services?.cleanup();
  });
  return suite;
}
