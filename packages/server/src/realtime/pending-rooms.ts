/** Membership changes seen for one user while one of their sockets was connecting. */
export interface PendingRooms {
  /** Conversations the user was added to meanwhile. */
  readonly joined: Set<string>;
  /** Conversations the user was removed from or left meanwhile. */
  readonly left: Set<string>;
  /** Stops recording. */
  close(): void;
}

/** Records membership changes for sockets still in their handshake. */
export interface PendingRoomTracker {
  /** Starts recording for a connecting socket of `userId`. */
  open(userId: string): PendingRooms;
  /** Notes that `userId` joined or left `convId`. */
  record(userId: string, convId: string, change: 'joined' | 'left'): void;
}

/**
 * Closes the race between a connecting socket listing its conversations and membership
 * changes committed meanwhile. Broadcast helpers such as `socketsJoin` only reach sockets that
 * finished connecting, so without this a member removed during the handshake would still be
 * put in the room (and keep receiving), and one added would miss it. The handshake opens a
 * record before listing, and the connection handler applies it afterwards.
 */
export function createPendingRoomTracker(): PendingRoomTracker {
  const byUser = new Map<string, Set<PendingRooms>>();
  return {
    open(userId) {
      const set = byUser.get(userId) ?? new Set<PendingRooms>();
      byUser.set(userId, set);
      const pending: PendingRooms = {
        joined: new Set(),
        left: new Set(),
        close() {
          set.delete(pending);
          if (set.size === 0 && byUser.get(userId) === set) byUser.delete(userId);
        },
      };
      set.add(pending);
      return pending;
    },
    record(userId, convId, change) {
      for (const pending of byUser.get(userId) ?? []) {
        const [add, remove] =
          change === 'joined' ? [pending.joined, pending.left] : [pending.left, pending.joined];
        add.add(convId);
        remove.delete(convId);
      }
    },
  };
}
