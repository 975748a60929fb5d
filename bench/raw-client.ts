/**
 * A load-generator client that speaks the Engine.IO v4 / Socket.IO v5 text protocol over a
 * bare `ws` socket, framing by hand: `0{…}` open → `40{auth}` connect → `40{…}` admitted (or
 * `44{…}` refused); `2` ping → `3` pong; `42<id>["send",{…}]` an event with an ack id, answered
 * by `43<id>[{…}]`; server events arrive as `42["event",{…}]`. It costs a fraction of
 * socket.io-client per message, which matters when the generator and the server share a
 * two-core machine (perf.md §2.2). Behaviour (reconnects, gap-fill) is tested with the SDK.
 */
import WebSocket from 'ws';

/** Options of {@link connectRaw}. */
export interface RawConnectOptions {
  /** Server base URL, `http://127.0.0.1:port`. */
  url: string;
  /** The handshake's `auth` object (`{ token }` for Parley). */
  auth: object;
  /** Source address on the loopback (127.0.0.x) to spread ephemeral ports. */
  localAddress?: string;
  /** Called with each server event frame as text (`42["event",…]`); parse only what you need. */
  onEvent?: (frame: string) => void;
  /** Called once when the connection closes after it was admitted. */
  onClose?: () => void;
  /** Give up after this long. Default 30 s. */
  timeoutMs?: number;
}

/** One connected raw client. */
export interface RawClient {
  /**
   * Emits `event` with a payload already serialized as JSON, and calls `onAck` with the ack's
   * JSON array text (`[{"ok":true,…}]`). Returns false if the socket is not open.
   */
  emitJson(event: string, payloadJson: string, onAck: (ackJson: string) => void): boolean;
  /** Acks still awaited. */
  readonly pending: number;
  readonly open: boolean;
  close(): void;
  /** Drops the TCP connection without a close handshake (as a crash or network loss would). */
  terminate(): void;
}

/** Connects and completes the Socket.IO handshake; rejects with the refusal or a timeout. */
export function connectRaw(options: RawConnectOptions): Promise<RawClient> {
  const wsUrl = `${options.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
  const ws = new WebSocket(wsUrl, {
    perMessageDeflate: false,
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  });
  const acks = new Map<number, (ackJson: string) => void>();
  let nextAck = 0;
  let admitted = false;
  const client: RawClient = {
    emitJson(event, payloadJson, onAck) {
      if (ws.readyState !== WebSocket.OPEN) return false;
      const id = nextAck++;
      acks.set(id, onAck);
      ws.send(`42${id}["${event}",${payloadJson}]`);
      return true;
    },
    get pending() {
      return acks.size;
    },
    get open() {
      return admitted && ws.readyState === WebSocket.OPEN;
    },
    close: () => ws.close(),
    terminate: () => ws.terminate(),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('raw client: handshake timed out'));
    }, options.timeoutMs ?? 30_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      if (!admitted) reject(error);
    };
    ws.on('error', fail);
    ws.on('close', () => {
      fail(new Error('raw client: closed during the handshake'));
      acks.clear();
      if (admitted) options.onClose?.();
    });
    ws.on('message', (data: Buffer) => {
      const frame = data.toString();
      switch (frame.charCodeAt(0)) {
        case 0x34: // '4': a Socket.IO packet
          switch (frame.charCodeAt(1)) {
            case 0x32: // '2' EVENT
              options.onEvent?.(frame);
              return;
            case 0x33: {
              // '3' ACK: 43<id>[…]
              const bracket = frame.indexOf('[', 2);
              const id = Number(frame.slice(2, bracket));
              const done = acks.get(id);
              acks.delete(id);
              done?.(frame.slice(bracket));
              return;
            }
            case 0x30: // '0' CONNECT: admitted
              admitted = true;
              clearTimeout(timer);
              resolve(client);
              return;
            case 0x34: // '4' CONNECT_ERROR
              ws.close();
              fail(new Error(`raw client: refused ${frame.slice(2)}`));
              return;
            default:
              return;
          }
        case 0x32: // '2' ping
          ws.send('3');
          return;
        case 0x30: // '0' open: connect to the main namespace with the auth payload
          ws.send(`40${JSON.stringify(options.auth)}`);
          return;
        default:
          return;
      }
    });
  });
}

/** Loopback source addresses used in turn, so 10k+ connections do not exhaust ports. */
export const SOURCE_ADDRESSES = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];

/**
 * Opens `count` connections with at most `concurrency` handshakes in flight; `authOf(i)` gives
 * each one's auth. Resolves with the clients and the handshake rate achieved.
 */
export async function connectMany(
  count: number,
  concurrency: number,
  make: (i: number) => RawConnectOptions,
): Promise<{ clients: RawClient[]; perSec: number; failures: number }> {
  const clients: RawClient[] = new Array<RawClient>(count);
  let next = 0;
  let failures = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      for (let attempt = 0; ; attempt++) {
        try {
          clients[i] = await connectRaw({
            localAddress: SOURCE_ADDRESSES[i % SOURCE_ADDRESSES.length],
            ...make(i),
          });
          break;
        } catch (error) {
          failures++;
          if (attempt >= 3) throw error;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { clients, perSec: count / seconds, failures };
}
