import type { PresenceState } from '@parley/sdk/protocol';
import type { ClusterBus } from '../cluster/cluster-bus.js';
import { PresenceRegistry } from './presence-registry.js';

/** How a change of a local connection changed the user's presence across all nodes. */
export interface GlobalChange {
  userId: string;
  before: PresenceState;
  after: PresenceState;
  /** The user has no connection left on this node. */
  localGone: boolean;
}

/** Options of {@link PresenceTable}. */
export interface PresenceTableOptions {
  /** The cluster bus; with a non-distributed bus the table is purely local. */
  bus: ClusterBus;
  now: () => number;
  /** How often a node says it is alive (and forgets nodes silent for 3 times this). */
  heartbeatMs?: number;
  onError?: (error: unknown) => void;
}

const CHANNEL = 'presence';

type Wire =
  | { t: 's'; u: string; s: PresenceState }
  | { t: 'hb' }
  | { t: 'hello' }
  | { t: 'all'; l: Array<[string, PresenceState]> };

const RANK: Record<PresenceState, number> = { offline: 0, away: 1, online: 2 };

/**
 * Presence across server nodes: this node's connections (a {@link PresenceRegistry}) plus a
 * replica of every other node's per-user state, kept from the cluster bus. A user is `online`
 * if any node has an active connection, `away` if connections exist only idle, else `offline`.
 *
 * Each node publishes its own per-user state when it changes, a heartbeat, and its whole table
 * when a node says hello (a node that starts or rejoins); a node silent for three heartbeats is
 * forgotten (its users' clients reconnect elsewhere and announce themselves). The replica is
 * eventually consistent: two nodes changing one user at the same instant may each announce.
 * With a single node (the in-process bus) nothing is published.
 */
export class PresenceTable {
  readonly #o: Required<PresenceTableOptions>;
  readonly #local = new PresenceRegistry();
  readonly #remote = new Map<string, Map<string, PresenceState>>();
  readonly #heard = new Map<string, number>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #off: (() => void) | undefined;

  constructor(options: PresenceTableOptions) {
    this.#o = { heartbeatMs: 15_000, onError: () => undefined, ...options };
  }

  /** Starts listening to other nodes (no-op on a single node). */
  start(): void {
    if (!this.#o.bus.distributed || this.#off) return;
    this.#off = this.#o.bus.subscribe(CHANNEL, (raw, from) => this.#receive(raw, from));
    this.#publish({ t: 'hello' });
    this.#timer = setInterval(() => {
      this.#publish({ t: 'hb' });
      this.#sweep();
    }, this.#o.heartbeatMs);
    this.#timer.unref();
  }

  /** Stops listening. */
  stop(): void {
    this.#off?.();
    this.#off = undefined;
    clearInterval(this.#timer);
  }

  /** Users with a connection on this node. */
  get localUsers(): number {
    return this.#local.size;
  }

  /** The user's presence over all nodes. */
  stateOf(userId: string): PresenceState {
    let best = this.#local.stateOf(userId);
    for (const state of this.#remote.get(userId)?.values() ?? []) {
      if (RANK[state] > RANK[best]) best = state;
    }
    return best;
  }

  /** A local connection opened (as `online`) or changed state. */
  set(userId: string, connectionId: string, state: 'online' | 'away'): GlobalChange {
    const before = this.stateOf(userId);
    const local = this.#local.set(userId, connectionId, state);
    if (local.before !== local.after) this.#publish({ t: 's', u: userId, s: local.after });
    return { userId, before, after: this.stateOf(userId), localGone: false };
  }

  /** A local connection closed. */
  remove(userId: string, connectionId: string): GlobalChange {
    const before = this.stateOf(userId);
    const local = this.#local.remove(userId, connectionId);
    if (local.before !== local.after) this.#publish({ t: 's', u: userId, s: local.after });
    return {
      userId,
      before,
      after: this.stateOf(userId),
      localGone: this.#local.connections(userId) === 0,
    };
  }

  #publish(message: Wire): void {
    if (!this.#o.bus.distributed) return;
    this.#o.bus.publish(CHANNEL, JSON.stringify(message)).catch(this.#o.onError);
  }

  #receive(raw: string, from: string): void {
    if (from === this.#o.bus.nodeId) return;
    this.#heard.set(from, this.#o.now());
    let message: Wire;
    try {
      message = JSON.parse(raw) as Wire;
    } catch (error) {
      this.#o.onError(error);
      return;
    }
    if (message.t === 's') this.#setRemote(message.u, from, message.s);
    else if (message.t === 'all') for (const [u, s] of message.l) this.#setRemote(u, from, s);
    else if (message.t === 'hello') this.#publish({ t: 'all', l: this.#localTable() });
  }

  #setRemote(userId: string, node: string, state: PresenceState): void {
    let nodes = this.#remote.get(userId);
    if (state === 'offline') {
      nodes?.delete(node);
      if (nodes?.size === 0) this.#remote.delete(userId);
      return;
    }
    if (!nodes) this.#remote.set(userId, (nodes = new Map()));
    nodes.set(node, state);
  }

  #localTable(): Array<[string, PresenceState]> {
    const out: Array<[string, PresenceState]> = [];
    for (const userId of this.#local.users()) out.push([userId, this.#local.stateOf(userId)]);
    return out;
  }

  #sweep(): void {
    const deadline = this.#o.now() - 3 * this.#o.heartbeatMs;
    for (const [node, at] of this.#heard) {
      if (at >= deadline) continue;
      this.#heard.delete(node);
      for (const [userId, nodes] of this.#remote) {
        nodes.delete(node);
        if (nodes.size === 0) this.#remote.delete(userId);
      }
    }
  }
}
