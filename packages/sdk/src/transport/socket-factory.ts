import { io } from 'socket.io-client';
import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../protocol/realtime.js';

/** A Socket.io client socket typed with the Parley event maps (`@parley/sdk/protocol`). */
export type ParleySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The options the SDK passes to a {@link SocketFactory}. */
export type SocketFactoryOptions = Partial<ManagerOptions & SocketOptions>;

/**
 * Creates one Socket.io connection. The default is socket.io-client's `io`; hosts replace it to
 * add transport options (a proxy agent in Node, extra headers) and tests replace it to observe
 * or disturb the socket. The SDK calls it once per connection attempt, with `forceNew: true` and
 * `reconnection: false`: reconnecting is the SDK's job, because only it knows to refresh the
 * token first.
 */
export type SocketFactory = (url: string, options: SocketFactoryOptions) => ParleySocket;

/** socket.io-client's `io`, typed with the Parley event maps. */
export const defaultSocketFactory: SocketFactory = (url, options) => io(url, options);

/**
 * Where to open the socket for a server URL: the origin, and the Socket.io path below the
 * server's base path (`https://host/chat` → path `/chat/socket.io`).
 *
 * @throws TypeError for a URL that is not http(s).
 */
export function socketEndpoint(serverUrl: string): { url: string; path: string } {
  const url = new URL(serverUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError('serverUrl must be an http: or https: URL');
  }
  return { url: url.origin, path: `${url.pathname.replace(/\/+$/, '')}/socket.io` };
}
