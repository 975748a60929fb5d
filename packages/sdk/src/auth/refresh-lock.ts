/** The part of the Web Locks API (`navigator.locks`) the SDK uses. */
export interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** The lock that serializes refresh-token rotation across tabs of one origin. */
export const REFRESH_LOCK = 'parley:refresh';

/**
 * Runs `task` while holding the cross-tab refresh lock, where the Web Locks API exists.
 *
 * Tabs of one origin share the stored session, and refresh tokens rotate on every use: if two
 * tabs refreshed with the same token, the second would look like token theft and the server
 * would revoke the session for all of them. Under the lock, each tab re-reads the stored token
 * (possibly rotated by another tab) before using it. Without Web Locks (Node, old browsers),
 * the task runs directly; in-process refreshes are already coalesced by the token manager.
 *
 * @param task - The refresh, including persisting the new token.
 * @param locks - The lock manager. Default: `navigator.locks` when present.
 */
export function withRefreshLock<T>(
  task: () => Promise<T>,
  locks: LockManagerLike | undefined = defaultLocks(),
): Promise<T> {
  return locks ? locks.request(REFRESH_LOCK, task) : task();
}

function defaultLocks(): LockManagerLike | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks;
}
