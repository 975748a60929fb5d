import type { ClientToServerEvents, ServerToClientEvents } from '@parley/sdk/protocol';
import type { Server, Socket } from 'socket.io';
import type { PendingRooms } from './pending-rooms.js';

/** What the handshake attaches to every admitted socket. */
export interface SocketData {
  userId: string;
  sessionId: string;
  /** When the access token the socket was admitted (or refreshed) with expires. */
  expiresAt: number;
  /** Gives the connection back to the per-user and total counts. Idempotent. */
  release: () => void;
  /** Membership changes seen during the handshake, applied on connection. */
  pending: PendingRooms;
}

/**
 * Events between server nodes (through the Redis adapter's `serverSideEmit`). `rooms:changed`
 * tells the other nodes about membership changes, so sockets still in their handshake there
 * (not reached by `socketsJoin`/`socketsLeave` yet) get them too.
 */
export interface InterServerEvents {
  'rooms:changed': (
    changes: Array<[userId: string, convId: string, change: 'joined' | 'left']>,
  ) => void;
}

/** The typed Socket.io server. */
export type ParleyIo = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

/** A typed server-side socket. */
export type ParleySocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
