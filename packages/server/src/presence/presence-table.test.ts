import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BusListener, ClusterBus } from '../cluster/cluster-bus.js';
import { createMemoryClusterBus } from '../cluster/cluster-bus.js';
import { PresenceTable } from './presence-table.js';

/** Buses of several nodes joined in memory, as Redis joins them (delivery is asynchronous). */
function network() {
  const listeners = new Set<{ channel: string; listener: BusListener }>();
  let muted = new Set<string>();
  const node = (nodeId: string): ClusterBus => ({
    ...createMemoryClusterBus({ nodeId }),
    nodeId,
    distributed: true,
    async publish(channel, message) {
      if (muted.has(nodeId)) return;
      for (const l of [...listeners]) {
        if (l.channel === channel) queueMicrotask(() => l.listener(message, nodeId));
      }
    },
    subscribe(channel, listener) {
      const entry = { channel, listener };
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
  });
  return {
    node,
    mute(nodeId: string) {
      muted = new Set([...muted, nodeId]);
    },
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('PresenceTable across nodes', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('folds the connections of one user on several nodes into one presence', async () => {
    const net = network();
    const [a, b] = [net.node('A'), net.node('B')].map(
      (bus) => new PresenceTable({ bus, now: Date.now }),
    ) as [PresenceTable, PresenceTable];
    a.start();
    b.start();
    expect(a.set('alice', 'tab1', 'online')).toMatchObject({ before: 'offline', after: 'online' });
    await flush();
    expect(b.stateOf('alice')).toBe('online');
    // A second device on node B: already online everywhere, nothing to announce.
    expect(b.set('alice', 'phone', 'online')).toMatchObject({ before: 'online', after: 'online' });
    await flush();
    expect(a.remove('alice', 'tab1')).toMatchObject({
      before: 'online',
      after: 'online',
      localGone: true,
    });
    await flush();
    expect(b.set('alice', 'phone', 'away')).toMatchObject({ before: 'online', after: 'away' });
    expect(b.remove('alice', 'phone').after).toBe('offline');
    await flush();
    expect(a.stateOf('alice')).toBe('offline');
    a.stop();
    b.stop();
  });

  it('gives a starting node the others’ tables, and forgets a silent node', async () => {
    vi.useFakeTimers();
    const net = network();
    const a = new PresenceTable({ bus: net.node('A'), now: Date.now, heartbeatMs: 1000 });
    a.start();
    a.set('bob', 'tab', 'away');
    const b = new PresenceTable({ bus: net.node('B'), now: Date.now, heartbeatMs: 1000 });
    b.start();
    await vi.advanceTimersByTimeAsync(1);
    expect(b.stateOf('bob')).toBe('away');
    net.mute('A');
    await vi.advanceTimersByTimeAsync(5000);
    expect(b.stateOf('bob')).toBe('offline');
    a.stop();
    b.stop();
  });

  it('publishes nothing on a single node', () => {
    const bus = createMemoryClusterBus({ nodeId: 'solo' });
    const publish = vi.spyOn(bus, 'publish');
    const table = new PresenceTable({ bus, now: Date.now });
    table.start();
    table.set('carol', 'tab', 'online');
    table.remove('carol', 'tab');
    expect(publish).not.toHaveBeenCalled();
    table.stop();
  });
});
