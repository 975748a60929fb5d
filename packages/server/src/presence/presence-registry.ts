import type { PresenceState } from '@parley/sdk/protocol';

/** What a change of one connection did to its user's presence. */
export interface PresenceChange {
  userId: string;
  before: PresenceState;
  after: PresenceState;
}

/**
 * The presence of connected users, folded from their connections: a user is `online` while
 * any connection is active, `away` while every connection is idle, `offline` with none. Several
 * tabs or devices of one user therefore make one presence, and one tab going idle does not
 * make a user who is active elsewhere look away.
 *
 * In-process state of one server node (the scale-out issue moves it to Redis).
 */
export class PresenceRegistry {
  readonly #users = new Map<string, Map<string, 'online' | 'away'>>();

  /** The user's folded presence. */
  stateOf(userId: string): PresenceState {
    const connections = this.#users.get(userId);
    if (!connections || connections.size === 0) return 'offline';
    for (const state of connections.values()) if (state === 'online') return 'online';
    return 'away';
  }

  /** How many connections the user has. */
  connections(userId: string): number {
    return this.#users.get(userId)?.size ?? 0;
  }

  /** The users with at least one connection. */
  users(): IterableIterator<string> {
    return this.#users.keys();
  }

  /** How many users have at least one connection. */
  get size(): number {
    return this.#users.size;
  }

  /** A connection opened (as `online`) or changed state. */
  set(userId: string, connectionId: string, state: 'online' | 'away'): PresenceChange {
    const before = this.stateOf(userId);
    let connections = this.#users.get(userId);
    if (!connections) {
      connections = new Map();
      this.#users.set(userId, connections);
    }
    connections.set(connectionId, state);
    return { userId, before, after: this.stateOf(userId) };
  }

  /** A connection closed. Unknown connections change nothing. */
  remove(userId: string, connectionId: string): PresenceChange {
    const before = this.stateOf(userId);
    const connections = this.#users.get(userId);
    connections?.delete(connectionId);
    if (connections?.size === 0) this.#users.delete(userId);
    return { userId, before, after: this.stateOf(userId) };
  }
}
