import type { AppContext } from '../app-context.js';
import { authState } from './auth-state.js';
import type { SessionsRevokedListener } from './auth-state.js';

export type { SessionsRevokedListener };

/**
 * Subscribes to session revocations (logout, logout everywhere, revoking one session, password
 * change, refresh-token reuse, account deletion), so the realtime hub can close the sockets of
 * those sessions at once (ASVS 7.4.1). Access tokens of a revoked session already fail on
 * their next use; this is for connections that are already open.
 *
 * @returns The unsubscribe function.
 * @example
 * ```ts
 * const off = onSessionsRevoked(ctx, (userId, ids) => hub.disconnect(userId, ids));
 * ```
 */
export function onSessionsRevoked(ctx: AppContext, listener: SessionsRevokedListener): () => void {
  const listeners = authState(ctx).revocationListeners;
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/**
 * Tells every listener that sessions ended. An empty list is not announced. A throwing
 * listener is logged and does not stop the others.
 */
export function emitSessionsRevoked(
  ctx: AppContext,
  userId: string,
  sessionIds: readonly string[] | 'all',
): void {
  if (sessionIds !== 'all' && sessionIds.length === 0) return;
  for (const listener of authState(ctx).revocationListeners) {
    try {
      listener(userId, sessionIds);
    } catch (err) {
      ctx.logger.error({ err }, 'session revocation listener failed');
    }
  }
}
