/**
 * A small cross-node channel for ephemeral state (presence, typing): publish/subscribe plus
 * keys that expire. On one node it is in-process ({@link createMemoryClusterBus}); with
 * `REDIS_URL` it is Redis ({@link createRedisClusterBus}), so every node sees the same state.
 *
 * Nothing on it is durable or ordered across nodes: use it only for state that may be lost and
 * that refreshes itself (a heartbeat re-sets presence before its key expires). Anything that
 * must not be lost goes through the store and the conversation log.
 */
export interface ClusterBus {
  /** Unique per process start: tells a node's own messages from the others'. */
  readonly nodeId: string;
  /** `false` for the in-process bus (single node), `true` when other nodes are reached. */
  readonly distributed: boolean;
  /**
   * Sends `message` to every subscriber of `channel` on every node, this one included.
   * Rejects when the shared store is unreachable (callers of ephemeral state usually just log).
   */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Receives what is published on `channel` (with the publishing node's id).
   * @returns The unsubscribe function.
   */
  subscribe(channel: string, listener: BusListener): () => void;
  /** Sets a key that disappears after `ttlMs` unless set again. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** The key's value, or `undefined` when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Several keys at once, in order. */
  getMany(keys: readonly string[]): Promise<(string | undefined)[]>;
  /** Removes a key. */
  delete(key: string): Promise<void>;
  /** Stops receiving and releases connections. Idempotent. */
  close(): Promise<void>;
}

/** Receives one published message. */
export type BusListener = (message: string, fromNode: string) => void;

/** Local subscribers by channel, shared by both implementations. */
export interface ListenerTable {
  add(channel: string, listener: BusListener): () => void;
  dispatch(channel: string, message: string, fromNode: string): void;
}

/** Creates a {@link ListenerTable}; a throwing listener does not stop the others. */
export function createListenerTable(onError: (error: unknown) => void): ListenerTable {
  const byChannel = new Map<string, Set<BusListener>>();
  return {
    add(channel, listener) {
      const set = byChannel.get(channel) ?? new Set<BusListener>();
      byChannel.set(channel, set);
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0 && byChannel.get(channel) === set) byChannel.delete(channel);
      };
    },
    dispatch(channel, message, fromNode) {
      for (const listener of byChannel.get(channel) ?? []) {
        try {
          listener(message, fromNode);
        } catch (error) {
          onError(error);
        }
      }
    },
  };
}

/** Options of {@link createMemoryClusterBus}. */
export interface MemoryClusterBusOptions {
  nodeId?: string;
  /** Clock for expiry, epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Called with a listener's error. Default: ignore. */
  onError?: (error: unknown) => void;
}

/**
 * The single-node {@link ClusterBus}: an in-process map with lazy expiry and synchronous
 * (same-tick, via a microtask) delivery to local subscribers.
 */
export function createMemoryClusterBus(options: MemoryClusterBusOptions = {}): ClusterBus {
  const { nodeId = 'local', now = Date.now, onError = () => undefined } = options;
  const listeners = createListenerTable(onError);
  const keys = new Map<string, { value: string; expiresAt: number }>();
  const read = (key: string): string | undefined => {
    const entry = keys.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      keys.delete(key);
      return undefined;
    }
    return entry.value;
  };
  return {
    nodeId,
    distributed: false,
    async publish(channel, message) {
      queueMicrotask(() => listeners.dispatch(channel, message, nodeId));
    },
    subscribe: (channel, listener) => listeners.add(channel, listener),
    async set(key, value, ttlMs) {
      keys.set(key, { value, expiresAt: now() + ttlMs });
    },
    async get(key) {
      return read(key);
    },
    async getMany(list) {
      return list.map(read);
    },
    async delete(key) {
      keys.delete(key);
    },
    async close() {
      keys.clear();
    },
  };
}
