import type { ZodType } from 'zod';
import { systemTimers } from '../auth/timers.js';
import type { Timers } from '../auth/timers.js';
import { ChatError } from '../errors.js';
import { logEvent } from '../protocol/conversations.js';
import { logEventRun } from '../protocol/realtime.js';
import type { LogEvent } from '../protocol/conversations.js';
import { authRefreshAck } from '../protocol/realtime.js';
import type { ClientToServerEvents, SessionEnded } from '../protocol/realtime.js';
import { backoffDelay } from './backoff.js';
import type { BackoffOptions } from './backoff.js';
import { defaultSocketFactory, socketEndpoint } from './socket-factory.js';
import type { ParleySocket, SocketFactory } from './socket-factory.js';
import { TokenHandover } from './token-handover.js';
import { EXTRA_PUSHES } from '../realtime/realtime-extras.js';
import type { ExtraPush } from '../realtime/realtime-extras.js';
import type { ConnectionTokens } from './token-handover.js';

export type { ConnectionTokens } from './token-handover.js';

/**
 * The realtime connection as the app sees it: `'connecting'` while a connection attempt runs,
 * `'online'` once the server accepted it, `'offline'` while waiting to retry or when stopped.
 */
export type ConnectionState = 'connecting' | 'online' | 'offline';

/** Options of {@link Connection}. */
export interface ConnectionOptions {
  /** The Parley server URL (the same as for REST). Required. */
  serverUrl: string;
  /** Access tokens. Required. */
  tokens: ConnectionTokens;
  /** Creates sockets. Default: socket.io-client's `io`. */
  socketFactory?: SocketFactory;
  /** Timers for reconnect and token refresh. Default: the host's. */
  timers?: Timers;
  /** Clock in epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Reconnect backoff. Default 500 ms doubling up to 30 s, with jitter. */
  backoff?: BackoffOptions;
  /** How long to wait for an acknowledgement before treating the event as lost. Default 15 000. */
  ackTimeoutMs?: number;
  /** How long a handshake may take. Default 10 000. */
  connectTimeoutMs?: number;
  /**
   * Hand the socket a fresh token (`auth:refresh`) this long before the current one expires,
   * capped at a quarter of its remaining lifetime. Default 30 000.
   */
  refreshMarginMs?: number;
  /** The connection state changed. */
  onStateChange?: (state: ConnectionState) => void;
  /** Connected (the first time or again): the moment to sync and flush the outbox. */
  onOnline?: () => void;
  /** A validated `event` push from the server. */
  onEvent?: (event: LogEvent) => void;
  /** A presence, typing, receipt, unread or settings push (validated by the receiver). */
  onPush?: (event: ExtraPush, payload: unknown) => void;
  /** A background problem worth reporting (never fatal by itself). */
  onError?: (error: ChatError) => void;
}

type Required_ = Required<
  Omit<
    ConnectionOptions,
    'onStateChange' | 'onOnline' | 'onEvent' | 'onPush' | 'onError' | 'backoff'
  >
> &
  Pick<ConnectionOptions, 'onStateChange' | 'onOnline' | 'onEvent' | 'onPush' | 'onError'> & {
    backoff: BackoffOptions;
  };

type EventName = keyof ClientToServerEvents;
type Payload<E extends EventName> = Parameters<ClientToServerEvents[E]>[0];

const DEFAULTS = {
  socketFactory: defaultSocketFactory,
  timers: systemTimers,
  now: Date.now,
  backoff: {},
  ackTimeoutMs: 15_000,
  connectTimeoutMs: 10_000,
  refreshMarginMs: 30_000,
};

/**
 * One Socket.io connection to the Parley server, kept alive while the user is signed in.
 *
 * Socket.io's own reconnection is off: after a refused handshake (`connect_error` from the
 * server's middleware) it would not retry at all, and it cannot refresh the token first. So each
 * attempt opens a fresh socket with the current token; failures are retried with exponential
 * backoff and jitter; `token_expired` refreshes and retries at once; shortly before the token
 * expires the socket gets a new one through `auth:refresh`, so a long-lived connection is never
 * cut for expiry.
 *
 * Delivery never depends on this socket staying up: whatever was in flight when it dropped is
 * reported as a `network_error`, and the outbox and `sync` make it whole after reconnecting.
 */
export class Connection {
  readonly #o: Required_;
  readonly #endpoint: { url: string; path: string };
  readonly #pending = new Set<(error: ChatError) => void>();
  #socket: ParleySocket | null = null;
  #state: ConnectionState = 'offline';
  #running = false;
  #attempt = 0;
  readonly #handover: TokenHandover;
  #retryTimer: unknown = undefined;
  // Bumped for every socket, so callbacks of an abandoned socket cannot touch the current one.
  #generation = 0;

  /** @param options - See {@link ConnectionOptions}. */
  constructor(options: ConnectionOptions) {
    this.#o = { ...DEFAULTS, ...options, backoff: options.backoff ?? {} };
    this.#endpoint = socketEndpoint(options.serverUrl);
    this.#handover = new TokenHandover({
      tokens: options.tokens,
      timers: this.#o.timers,
      now: this.#o.now,
      marginMs: this.#o.refreshMarginMs,
      send: async (token) => {
        const ack = await this.request('auth:refresh', { token }, authRefreshAck);
        if (!ack.ok) throw new ChatError(ack.error.code, ack.error.message);
      },
      onError: (error) => this.#o.onError?.(error),
    });
  }

  /** The current state. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** Starts connecting (and keeps reconnecting) until {@link stop}. Idempotent. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#attempt = 0;
    void this.#connect();
  }

  /** Closes the socket and stops reconnecting. Requests in flight fail with `network_error`. */
  stop(): void {
    this.#running = false;
    this.#clearTimers();
    this.#dropSocket(new ChatError('network_error', 'The connection was closed'));
    this.#setState('offline');
  }

  /** Skips the backoff wait and tries to connect now (e.g. when the host knows it is online). */
  reconnectNow(): void {
    if (!this.#running || this.#state !== 'offline') return;
    this.#clearTimers();
    void this.#connect();
  }

  /**
   * Emits a client event and resolves with its acknowledgement, validated by `schema`.
   *
   * @throws ChatError `network_error` when offline, when the connection drops before the
   *   acknowledgement, or after `ackTimeoutMs`; `internal` for an acknowledgement of the wrong
   *   shape.
   */
  request<E extends EventName, T>(event: E, payload: Payload<E>, schema: ZodType<T>): Promise<T> {
    const socket = this.#socket;
    if (socket === null || this.#state !== 'online') {
      return Promise.reject(new ChatError('network_error', 'Not connected'));
    }
    return new Promise<T>((resolve, reject) => {
      const fail = (error: ChatError) => {
        this.#pending.delete(fail);
        reject(error);
      };
      this.#pending.add(fail);
      const onAck = (err: Error | null, ack: unknown) => {
        if (!this.#pending.has(fail)) return;
        this.#pending.delete(fail);
        if (err) {
          reject(new ChatError('network_error', `No acknowledgement for "${event}"`));
          return;
        }
        const parsed = schema.safeParse(ack);
        if (parsed.success) resolve(parsed.data);
        else reject(new ChatError('internal', `Malformed "${event}" acknowledgement`));
      };
      // The event maps cannot express "any event with its own payload" generically; the
      // payload type is tied to the event name by this method's signature.
      const timed = socket.timeout(this.#o.ackTimeoutMs) as unknown as {
        emit(event: string, payload: unknown, ack: typeof onAck): void;
      };
      timed.emit(event, payload, onAck);
    });
  }

  /**
   * Closes the current socket without stopping: for tests that simulate a dropped connection
   * (and for hosts that detect a dead network before Socket.io does). A reconnect follows.
   */
  dropConnection(): void {
    const socket = this.#socket;
    if (socket === null) return;
    this.#lost('transport close');
  }

  async #connect(): Promise<void> {
    if (!this.#running) return;
    const generation = ++this.#generation;
    this.#setState('connecting');
    let token: string;
    try {
      token = await this.#o.tokens.accessToken();
    } catch (error) {
      this.#tokenFailure(error, generation);
      return;
    }
    if (generation !== this.#generation || !this.#running) return;
    const socket = this.#o.socketFactory(this.#endpoint.url, {
      path: this.#endpoint.path,
      auth: { token },
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      reconnection: false,
      forceNew: true,
      timeout: this.#o.connectTimeoutMs,
    });
    this.#socket = socket;
    let ended: SessionEnded['reason'] | null = null;
    socket.on('connect', () => {
      if (generation !== this.#generation) return;
      this.#attempt = 0;
      this.#setState('online');
      this.#handover.start(token);
      this.#o.onOnline?.();
    });
    socket.on('connect_error', (error: Error & { data?: unknown }) => {
      if (generation !== this.#generation) return;
      this.#dropSocket(new ChatError('network_error', 'Connection failed'));
      void this.#handshakeRefused(connectErrorCode(error), generation);
    });
    socket.on('disconnect', (reason) => {
      if (generation !== this.#generation || reason === 'io client disconnect') return;
      this.#lost(reason, ended);
    });
    socket.on('session:ended', (info) => {
      ended = info?.reason === 'session_revoked' ? 'session_revoked' : 'token_expired';
    });
    for (const name of EXTRA_PUSHES) {
      (socket as unknown as { on(e: string, l: (raw: unknown) => void): void }).on(name, (raw) => {
        if (generation === this.#generation) this.#o.onPush?.(name, raw);
      });
    }
    socket.on('event', (raw) => {
      if (generation !== this.#generation) return;
      const parsed = logEvent.safeParse(raw);
      if (parsed.success) this.#o.onEvent?.(parsed.data);
      else this.#o.onError?.(new ChatError('internal', 'The server pushed a malformed event'));
    });
    socket.on('events', (raw) => {
      if (generation !== this.#generation) return;
      const parsed = logEventRun.safeParse(raw);
      if (parsed.success) for (const event of parsed.data) this.#o.onEvent?.(event);
      else this.#o.onError?.(new ChatError('internal', 'The server pushed malformed events'));
    });
  }

  /** The socket is gone while running: decide how to come back. */
  #lost(reason: string, ended: SessionEnded['reason'] | null = null): void {
    const generation = ++this.#generation;
    this.#dropSocket(new ChatError('network_error', `Connection lost (${reason})`));
    if (!this.#running) return;
    if (ended === 'session_revoked') {
      // The session is over; the refresh finds out for sure and signs the client out, which
      // stops this connection. Should it succeed after all, reconnect normally.
      this.#setState('offline');
      this.#o.tokens.refresh().then(
        () => this.#scheduleRetry(generation),
        (error: unknown) => this.#tokenFailure(error, generation),
      );
      return;
    }
    if (ended === 'token_expired') {
      void this.#refreshThenConnect(generation);
      return;
    }
    this.#scheduleRetry(generation);
  }

  async #handshakeRefused(code: string, generation: number): Promise<void> {
    if (!this.#running) return;
    if (code === 'token_expired' || code === 'unauthorized') {
      // An expired token is routine; "unauthorized" may mean the session was revoked, and the
      // refresh is what finds out (it fails with 401 and the session layer signs out).
      await this.#refreshThenConnect(generation, code === 'unauthorized');
      return;
    }
    this.#scheduleRetry(generation);
  }

  async #refreshThenConnect(generation: number, backOff = false): Promise<void> {
    this.#setState('offline');
    try {
      await this.#o.tokens.refresh();
    } catch (error) {
      this.#tokenFailure(error, generation);
      return;
    }
    if (generation !== this.#generation || !this.#running) return;
    // Refreshing fixes an expired token at once; repeated refusals back off like any failure.
    if (backOff || this.#attempt > 1) this.#scheduleRetry(generation);
    else {
      this.#attempt++;
      void this.#connect();
    }
  }

  #tokenFailure(error: unknown, generation: number): void {
    if (generation !== this.#generation || !this.#running) return;
    if (ChatError.is(error) && (error.status === 401 || error.code === 'unauthorized')) {
      // Signed out (or about to be): the session layer stops this connection.
      this.#setState('offline');
      return;
    }
    this.#o.onError?.(
      ChatError.is(error)
        ? error
        : new ChatError('internal', 'Token refresh failed', { cause: error }),
    );
    this.#scheduleRetry(generation);
  }

  #scheduleRetry(generation: number): void {
    if (generation !== this.#generation || !this.#running) return;
    this.#setState('offline');
    const delay = backoffDelay(this.#attempt, this.#o.backoff);
    this.#attempt++;
    this.#o.timers.clearTimeout(this.#retryTimer);
    this.#retryTimer = this.#o.timers.setTimeout(() => {
      this.#retryTimer = undefined;
      if (generation === this.#generation) void this.#connect();
    }, delay);
  }

  #dropSocket(error: ChatError): void {
    const socket = this.#socket;
    this.#socket = null;
    this.#handover.stop();
    for (const fail of [...this.#pending]) fail(error);
    if (socket === null) return;
    socket.removeAllListeners();
    socket.disconnect();
  }

  #clearTimers(): void {
    this.#o.timers.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#handover.stop();
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#o.onStateChange?.(state);
  }
}

/** The server's reason for refusing a handshake (`err.data.code`, else `err.message`). */
function connectErrorCode(error: Error & { data?: unknown }): string {
  const data = error.data;
  if (
    typeof data === 'object' &&
    data !== null &&
    'code' in data &&
    typeof data.code === 'string'
  ) {
    return data.code;
  }
  return error.message;
}
