import {
  presenceQueryRequest,
  presenceSetRequest,
  receiptRequest,
  receiptsListRequest,
  settingsRequest,
  typingRequest,
} from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import { createUserLimiter } from '../conversations/user-limiter.js';
import { createPresenceService } from '../presence/presence-service.js';
import type { PresenceService } from '../presence/presence-service.js';
import { createTypingRelay } from '../presence/typing-relay.js';
import { READ_RECEIPTS_OFF_ROOM, createReceiptService } from '../receipts/receipt-service.js';
import { createSettingsCache } from '../receipts/settings-cache.js';
import { startUnreadPusher } from '../receipts/unread-pusher.js';
import { defineEvent } from './event-guard.js';
import type { AnyEventSpec } from './event-guard.js';
import type { ParleyIo, ParleySocket } from './socket-types.js';

/** Presence, typing, receipts and unread counts on top of the hub (DESIGN §8). */
export interface RealtimeExtras {
  readonly presence: PresenceService;
  /** Its socket events, for the hub's router (one per server, not per socket). */
  readonly events: readonly AnyEventSpec[];
  /** Sets up a newly connected socket: its rooms, presence and unread snapshot. */
  attach(socket: ParleySocket): void;
  /** Stops timers and listeners (shutdown). */
  close(): void;
}

/**
 * Wires the realtime extras into a hub's Socket.io server. Every event goes through the same
 * guard as `send` (per-user rate limit, size cap, zod schema, one typed acknowledgement), with
 * one shared budget (`realtime.extras`).
 */
export function createRealtimeExtras(ctx: AppContext, io: ParleyIo): RealtimeExtras {
  const config = ctx.config.realtime;
  const limiter = createUserLimiter(ctx, 'socket_extras', config.extras);
  const settings = createSettingsCache(ctx);
  const presence = createPresenceService(ctx, io, settings);
  const typing = createTypingRelay(io, { ttlMs: config.typingTtlMs });
  const receipts = createReceiptService(ctx, io, settings, presence);
  const offUnread = startUnreadPusher(ctx, io);

  async function welcome(socket: ParleySocket): Promise<void> {
    const { userId } = socket.data;
    const mine = await settings.hold(userId);
    if (!socket.connected) return;
    if (mine.readReceipts) await socket.leave(READ_RECEIPTS_OFF_ROOM);
    await presence.connected(socket);
    await receipts.snapshot(socket);
  }

  const events = [
    defineEvent({
      name: 'presence:set',
      schema: presenceSetRequest,
      limiter,
      handle: async (socket, { state }) => {
        presence.set(socket, state);
        return { ok: true as const };
      },
    }),
    defineEvent({
      name: 'presence:query',
      schema: presenceQueryRequest,
      limiter,
      handle: async (socket, { userIds }) => ({
        ok: true as const,
        presence: await presence.query(socket.data.userId, userIds),
      }),
    }),
    defineEvent({
      name: 'typing',
      schema: typingRequest,
      limiter,
      handle: async (socket, request) => {
        typing.handle(socket, request);
        return { ok: true as const };
      },
    }),
    defineEvent({
      name: 'receipt',
      schema: receiptRequest,
      limiter,
      handle: (socket, request) => receipts.receipt(socket.data.userId, request),
    }),
    defineEvent({
      name: 'receipts:list',
      schema: receiptsListRequest,
      limiter,
      handle: async (socket, { conversationId }) => ({
        ok: true as const,
        receipts: await receipts.list(socket.data.userId, conversationId),
      }),
    }),
    defineEvent({
      name: 'settings',
      schema: settingsRequest,
      limiter,
      handle: async (socket, request) => ({
        ok: true as const,
        settings: await receipts.updateSettings(socket.data.userId, request),
      }),
    }),
  ];

  return {
    presence,
    events,
    attach(socket) {
      const { userId } = socket.data;
      void socket.join(READ_RECEIPTS_OFF_ROOM);
      socket.once('disconnecting', () => {
        if (!presence.disconnecting(socket)) return;
        typing.userGone(userId);
        settings.release(userId);
      });
      welcome(socket).catch((err: unknown) => ctx.logger.warn({ err }, 'socket welcome failed'));
    },
    close() {
      offUnread();
      typing.close();
      presence.close();
    },
  };
}
