import type { ConnectErrorCode, ConnectErrorData } from '@parley/sdk/protocol';
import { decodeJwt } from 'jose';
import type { AppContext } from '../app-context.js';
import { verifyAccessToken } from '../auth/index.js';
import { ApiError } from '../http/api-error.js';
import type { ConnectionCounter } from './connection-limits.js';
import type { PendingRoomTracker } from './pending-rooms.js';
import { conversationRoom, sessionRoom, userRoom } from './rooms.js';
import type { ParleySocket } from './socket-types.js';

/** What the handshake middleware needs. */
export interface HandshakeDeps {
  ctx: AppContext;
  counter: ConnectionCounter;
  pending: PendingRoomTracker;
  /** True once the server is shutting down. */
  isDraining(): boolean;
}

/** A handshake refusal as Socket.io sends it: `connect_error` with `message` and `data`. */
export function connectError(
  code: ConnectErrorCode,
  message: string,
): Error & { data: ConnectErrorData } {
  return Object.assign(new Error(code), { data: { code, message } });
}

function expiryOf(token: string): number {
  const { exp } = decodeJwt(token);
  return typeof exp === 'number' ? exp * 1000 : 0;
}

async function verify(ctx: AppContext, token: unknown) {
  if (typeof token !== 'string' || token.length === 0) {
    throw connectError('unauthorized', 'auth.token must hold the access token');
  }
  try {
    return { ...(await verifyAccessToken(ctx, token)), expiresAt: expiryOf(token) };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.code === 'token_expired') {
      throw connectError('token_expired', 'The access token has expired; refresh it and reconnect');
    }
    throw connectError('unauthorized', error.message);
  }
}

/**
 * The Socket.io middleware that admits a connection: the handshake's `auth.token` is verified
 * like a REST bearer token (signature, claims, expiry, and a live session), the per-user and
 * total connection caps are applied, and the socket joins its user's, its session's and its
 * conversations' rooms before it is connected, so no event of a conversation can be missed
 * between connect and the first `sync`.
 *
 * Refusals reach the client as `connect_error` whose `message` is a {@link ConnectErrorCode}.
 */
export function createHandshake(
  deps: HandshakeDeps,
): (socket: ParleySocket, next: (err?: Error) => void) => void {
  const { ctx } = deps;

  async function admit(socket: ParleySocket): Promise<void> {
    if (deps.isDraining())
      throw connectError('unavailable', 'The server is restarting; retry shortly');
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const subject = await verify(ctx, auth?.token);
    // Not kept for the connection's lifetime: ~600 bytes a socket, and a bearer credential.
    if (auth) delete auth.token;
    const release = deps.counter.acquire(subject.userId);
    if (!release) throw connectError('rate_limited', 'Too many open connections');
    const pending = deps.pending.open(subject.userId);
    const cleanup = () => {
      release();
      pending.close();
    };
    // The transport may close before the socket ever connects; that releases everything too.
    socket.conn.once('close', cleanup);
    socket.data = { ...subject, release, pending };
    void socket.join([userRoom(subject.userId), sessionRoom(subject.sessionId)]);
    try {
      const heads = await ctx.store.listConversationHeads(subject.userId);
      void socket.join(heads.map((h) => conversationRoom(h.id)));
    } catch (error) {
      cleanup();
      throw error;
    }
  }

  return (socket, next) => {
    admit(socket).then(
      () => next(),
      (error: unknown) => {
        if (error instanceof Error && 'data' in error) {
          next(error);
          return;
        }
        ctx.logger.error({ err: error }, 'socket handshake failed');
        next(connectError('unavailable', 'The server could not admit the connection'));
      },
    );
  };
}
