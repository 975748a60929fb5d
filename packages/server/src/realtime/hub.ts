import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import {
  CLIENT_EVENT_NAMES,
  MAX_EVENTS_PER_FRAME,
  authRefreshRequest,
  sendRequest,
  syncRequest,
} from '@parley/sdk/protocol';
import type {
  AuthRefreshAck,
  ClientToServerEvents,
  LogEvent,
  ServerToClientEvents,
  SessionEnded,
} from '@parley/sdk/protocol';
import { decodeJwt } from 'jose';
import { Server } from 'socket.io';
import type { AppContext } from '../app-context.js';
import { onSessionsRevoked, verifyAccessToken } from '../auth/index.js';
import { onLogEvents } from '../conversations/log-bus.js';
import { createUserLimiter } from '../conversations/user-limiter.js';
import { ApiError } from '../http/api-error.js';
import { createSendPipeline } from '../messages/send-pipeline.js';
import { syncForUser } from '../messages/sync.js';
import { createConnectionCounter } from './connection-limits.js';
import { drainInBatches } from './drain.js';
import { createEventRouter, defineEvent } from './event-guard.js';
import { createHandshake } from './handshake.js';
import { createOriginCheck } from './origin-check.js';
import { createPendingRoomTracker } from './pending-rooms.js';
import { createRealtimeExtras } from './realtime-extras.js';
import { createRealtimeMetrics } from './realtime-metrics.js';
import { conversationRoom, sessionRoom, userRoom } from './rooms.js';
import type { InterServerEvents, ParleyIo, ParleySocket, SocketData } from './socket-types.js';

/** The Socket.io hub attached to the server's HTTP server. */
export interface RealtimeHub {
  /** The typed Socket.io server, for features that add events (presence, typing). */
  readonly io: ParleyIo;
  /**
   * Graceful shutdown: refuses new handshakes and sends (`unavailable`, so clients retry),
   * writes what is queued, then closes the sockets in jittered batches over `drainMs`.
   * Does not close the HTTP server. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Splits a batch of committed events into runs to push as one frame each: a conversation's
 * messages, in order, at most {@link MAX_EVENTS_PER_FRAME} a run. Membership entries and epochs
 * stay alone (rooms change around them).
 */
export function runsByConversation(events: readonly LogEvent[]): LogEvent[][] {
  const runs: LogEvent[][] = [];
  const open = new Map<string, LogEvent[]>();
  for (const event of events) {
    if (event.kind !== 'message') {
      runs.push([event]);
      open.delete(event.conversationId);
      continue;
    }
    let run = open.get(event.conversationId);
    if (!run || run.length >= MAX_EVENTS_PER_FRAME) {
      run = [];
      runs.push(run);
      open.set(event.conversationId, run);
    }
    run.push(event);
  }
  return runs;
}

/**
 * Attaches the realtime hub (DESIGN §4, §10) to an HTTP server: Socket.io with websocket first
 * and polling as fallback, an origin allowlist, token-authenticated handshakes, connection
 * caps, and the `send`, `sync` and `auth:refresh` events, each validated, rate limited per user
 * and answered with a typed acknowledgement. Committed log events are broadcast to the
 * conversation's room; members are moved in and out of rooms as the membership log changes;
 * ended sessions and expired tokens lose their sockets at once.
 *
 * @example
 * ```ts
 * const hub = createRealtimeHub(ctx, httpServer);
 * // on shutdown, before closing the HTTP server's connections:
 * await hub.close();
 * ```
 */
export function createRealtimeHub(
  ctx: AppContext,
  httpServer: HttpServer | HttpsServer,
): RealtimeHub {
  const config = ctx.config.realtime;
  const counter = createConnectionCounter({
    maxPerUser: config.maxConnectionsPerUser,
    maxTotal: config.maxConnections,
  });
  const pending = createPendingRoomTracker();
  const metrics = createRealtimeMetrics(ctx.metrics, () => counter.total);
  const pipeline = createSendPipeline(ctx, { onBatch: (size) => metrics.batchSize.observe(size) });
  const sendLimiter = createUserLimiter(ctx, 'socket_send', config.send);
  const syncLimiter = createUserLimiter(ctx, 'socket_sync', config.sync);
  const originAllowed = createOriginCheck({
    allowedOrigins: ctx.config.allowedOrigins,
    publicUrl: ctx.config.publicUrl,
  });
  let draining = false;

  const io: ParleyIo = new Server<
    ClientToServerEvents,
    ServerToClientEvents,
    InterServerEvents,
    SocketData
  >(httpServer, {
    transports: ['websocket', 'polling'],
    serveClient: false,
    // Several nodes (REDIS_URL): rooms and broadcasts span the cluster (docs/scaling.md).
    ...(ctx.cluster ? { adapter: ctx.cluster.socketAdapter } : {}),
    // Twice the per-event cap: events between the two get a typed `payload_too_large`, larger
    // frames are cut at the transport (the connection closes) before they are buffered.
    maxHttpBufferSize: config.maxEventBytes * 2,
    ...(ctx.config.allowedOrigins.length > 0
      ? { cors: { origin: [...ctx.config.allowedOrigins] } }
      : {}),
    allowRequest(req: IncomingMessage, callback) {
      if (draining) return callback('server is restarting', false);
      if (io.engine.clientsCount >= config.maxConnections) return callback('server is full', false);
      if (!originAllowed(req.headers.origin, req.headers.host)) {
        ctx.logger.warn({ origin: req.headers.origin }, 'socket origin refused');
        return callback('origin not allowed', false);
      }
      callback(null, true);
    },
  });
  // The upgrade request (headers, socket refs) would otherwise live as long as the connection;
  // nothing reads it after `allowRequest` and the handshake's `auth` (perf.md §1.1: memory).
  io.engine.on('connection', (raw: { request: IncomingMessage | null }) => {
    raw.request = null;
  });
  io.use(createHandshake({ ctx, counter, pending, isDraining: () => draining }));
  const extras = createRealtimeExtras(ctx, io);

  function endSession(socket: ParleySocket, reason: SessionEnded['reason']): void {
    socket.emit('session:ended', { reason });
    socket.disconnect(true);
  }

  const events = [
    defineEvent({
      name: 'send',
      schema: sendRequest,
      limiter: sendLimiter,
      handle: (socket, request) => pipeline.send(socket.data.userId, request),
    }),
    defineEvent({
      name: 'sync',
      schema: syncRequest,
      limiter: syncLimiter,
      handle: (socket, request) => syncForUser(ctx, socket.data.userId, request),
    }),
    defineEvent({
      name: 'auth:refresh',
      schema: authRefreshRequest,
      limiter: syncLimiter,
      handle: (socket, request) => refreshToken(socket, request.token),
    }),
    ...extras.events,
  ];
  // Every event of the protocol has its guarded handler (the rest are answered `not_found`).
  for (const name of CLIENT_EVENT_NAMES) {
    if (!events.some((e) => e.name === name)) throw new Error(`no handler for the event ${name}`);
  }
  const route = createEventRouter(events, {
    maxEventBytes: config.maxEventBytes,
    logger: ctx.logger,
    onOutcome: (event, outcome, seconds) => {
      metrics.events.inc({ event, outcome });
      if (event === 'send' && outcome === 'ok') metrics.ackLatency.observe(seconds);
    },
  });

  io.on('connection', (socket) => {
    const { pending: seen } = socket.data;
    for (const convId of seen.joined) void socket.join(conversationRoom(convId));
    for (const convId of seen.left) void socket.leave(conversationRoom(convId));
    seen.close();
    socket.once('disconnect', () => socket.data.release());

    extras.attach(socket);
    socket.onAny(route);
  });

  async function refreshToken(socket: ParleySocket, token: string): Promise<AuthRefreshAck> {
    const subject = await verifyAccessToken(ctx, token);
    if (subject.userId !== socket.data.userId || subject.sessionId !== socket.data.sessionId) {
      throw new ApiError('forbidden', 'The token belongs to another session');
    }
    socket.data.expiresAt = (decodeJwt(token).exp ?? 0) * 1000;
    return { ok: true, expiresAt: socket.data.expiresAt };
  }

  // Through the adapter, so the user's sockets on every node are told and closed at once.
  const offRevoked = onSessionsRevoked(ctx, (userId, sessionIds) => {
    const rooms = sessionIds === 'all' ? [userRoom(userId)] : sessionIds.map(sessionRoom);
    io.in(rooms).emit('session:ended', { reason: 'session_revoked' });
    io.in(rooms).disconnectSockets(true);
  });

  if (ctx.cluster) {
    io.on('rooms:changed', (changes) => {
      for (const [target, convId, change] of changes) pending.record(target, convId, change);
    });
  }

  const offLog = onLogEvents(ctx, (events) => fanOut(events));

  function fanOut(events: readonly LogEvent[]): void {
    const departures: Array<[string, string]> = [];
    const changes: Parameters<InterServerEvents['rooms:changed']>[0] = [];
    // Joins first, so a member added by this batch also receives the batch's own events.
    for (const event of events) {
      if (event.kind !== 'member') continue;
      const { op, target } = event.entry.entry;
      const room = conversationRoom(event.conversationId);
      if (op === 'create' || op === 'add') {
        io.in(userRoom(target)).socketsJoin(room);
        pending.record(target, event.conversationId, 'joined');
        changes.push([target, event.conversationId, 'joined']);
      } else if (op === 'remove' || op === 'leave') {
        departures.push([target, event.conversationId]);
        changes.push([target, event.conversationId, 'left']);
      }
    }
    // The messages of one conversation from one group commit go out in one frame per member.
    for (const run of runsByConversation(events)) {
      const room = io.to(conversationRoom(run[0]!.conversationId));
      if (run.length === 1) room.emit('event', run[0]!);
      else room.emit('events', run);
    }
    // The departing member gets the entry that removed them, then nothing more (ASVS 8.3.2).
    for (const [target, convId] of departures) {
      io.in(userRoom(target)).socketsLeave(conversationRoom(convId));
      pending.record(target, convId, 'left');
    }
    if (ctx.cluster && changes.length > 0) io.serverSideEmit('rooms:changed', changes);
  }

  const expirySweep = setInterval(() => {
    const now = ctx.now();
    for (const socket of io.of('/').sockets.values()) {
      if (socket.data.expiresAt <= now) endSession(socket, 'token_expired');
    }
  }, config.tokenCheckMs);
  expirySweep.unref();

  let closing: Promise<void> | undefined;
  async function shutdown(): Promise<void> {
    draining = true;
    clearInterval(expirySweep);
    await pipeline.drain();
    offRevoked();
    offLog();
    extras.close();
    // Closing the transport (not a Socket.io disconnect) makes clients reconnect on their
    // own, with their backoff, to whichever node is up next.
    const sockets = [...io.of('/').sockets.values()];
    await drainInBatches(
      sockets.map((s) => ({ close: () => s.conn.close() })),
      { drainMs: config.drainMs },
    );
    io.engine.close();
    // Stops the cluster adapter's stream reader and heartbeats (a no-op on one node).
    await io.of('/').adapter.close();
  }

  return {
    io,
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}
