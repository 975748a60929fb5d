import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** A loopback TCP proxy for fault tests: a load balancer in front of nodes, or a cuttable link. */
export interface TcpProxy {
  /** `127.0.0.1:<port>` clients connect to. */
  readonly port: number;
  /** Replaces the backends (new connections only). */
  setTargets(ports: readonly number[]): void;
  /** Drops every open connection and refuses new ones until {@link restore}. */
  cut(): void;
  /** Accepts connections again. */
  restore(): void;
  close(): Promise<void>;
}

/** How a {@link TcpProxy} picks a backend for a new connection. */
export type ProxyMode = 'round-robin' | 'failover';

/**
 * Starts a TCP proxy on a random loopback port. Each new connection goes to a backend and stays
 * pinned to it, like an L4 load balancer in front of websocket-only nodes (which need no
 * stickiness): `round-robin` takes the next backend in turn, `failover` the first one that
 * accepts; both skip backends that refuse.
 */
export async function startTcpProxy(
  targets: readonly number[],
  mode: ProxyMode = 'round-robin',
): Promise<TcpProxy> {
  let ports = [...targets];
  let next = 0;
  let open = true;
  const sockets = new Set<net.Socket>();

  function connectUpstream(client: net.Socket, tries: number): void {
    if (tries >= ports.length || ports.length === 0) {
      client.destroy();
      return;
    }
    const port = mode === 'failover' ? ports[tries]! : ports[next++ % ports.length]!;
    const upstream = net.connect({ host: '127.0.0.1', port });
    let connected = false;
    sockets.add(upstream);
    upstream.once('connect', () => {
      connected = true;
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.on('error', () => undefined);
    upstream.once('close', () => {
      sockets.delete(upstream);
      // Refused (the node is down): try the next backend; dropped later: drop the client too.
      if (connected || client.destroyed || !open) client.destroy();
      else connectUpstream(client, tries + 1);
    });
    client.once('close', () => upstream.destroy());
  }

  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    if (!open) {
      client.destroy();
      return;
    }
    sockets.add(client);
    client.on('error', () => undefined);
    client.once('close', () => sockets.delete(client));
    connectUpstream(client, 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    setTargets(list) {
      ports = [...list];
    },
    cut() {
      open = false;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    restore() {
      open = true;
    },
    async close() {
      open = false;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
