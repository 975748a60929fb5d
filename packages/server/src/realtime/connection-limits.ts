/** Options of {@link createConnectionCounter}. */
export interface ConnectionLimits {
  /** Open sockets per user. */
  maxPerUser: number;
  /** Open authenticated sockets in total. */
  maxTotal: number;
}

/** Counts open sockets per user and in total against the limits. */
export interface ConnectionCounter {
  /**
   * Reserves a connection for `userId`.
   * @returns The release function (idempotent), or `undefined` when a limit is reached.
   */
  acquire(userId: string): (() => void) | undefined;
  /** Open sockets of one user. */
  count(userId: string): number;
  /** Open sockets in total. */
  readonly total: number;
}

/**
 * Connection caps (OWASP: limit connections per user), so one account cannot exhaust the
 * server's sockets. A reservation is taken in the handshake and released exactly once, when
 * the socket or its transport closes, whichever comes first.
 */
export function createConnectionCounter(limits: ConnectionLimits): ConnectionCounter {
  const perUser = new Map<string, number>();
  let total = 0;
  return {
    acquire(userId) {
      const current = perUser.get(userId) ?? 0;
      if (current >= limits.maxPerUser || total >= limits.maxTotal) return undefined;
      perUser.set(userId, current + 1);
      total++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        total--;
        const left = (perUser.get(userId) ?? 1) - 1;
        if (left <= 0) perUser.delete(userId);
        else perUser.set(userId, left);
      };
    },
    count: (userId) => perUser.get(userId) ?? 0,
    get total() {
      return total;
    },
  };
}
