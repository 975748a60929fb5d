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
import { guardEvent } from './event-guard.js';
import type { GuardContext } from './event-guard.js';
import type { ParleyIo, ParleySocket } from './socket-types.js';

/** Presence, typing, receipts and unread counts on top of the hub (DESIGN §8). */
export interface RealtimeExtras {
  readonly presence: PresenceService;
  /** Sets up a newly connected socket: its events, presence and unread snapshot. */
  attach(socket: ParleySocket, guard: GuardContext): void;
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

  return {
    presence,
    attach(socket, guard) {
      const { userId } = socket.data;
      void socket.join(READ_RECEIPTS_OFF_ROOM);
      const on = <E extends Parameters<ParleySocket['on']>[0]>(
        event: E,
        handler: (...args: unknown[]) => void,
      ) => socket.on(event, handler as never);
      const spec = { limiter } as const;
      on(
        'presence:set',
        guardEvent(
          {
            ...spec,
            name: 'presence:set',
            schema: presenceSetRequest,
            handle: async ({ state }) => {
              presence.set(socket, state);
              return { ok: true as const };
            },
          },
          guard,
        ),
      );
      on(
        'presence:query',
        guardEvent(
          {
            ...spec,
            name: 'presence:query',
            schema: presenceQueryRequest,
            handle: async ({ userIds }) => ({
              ok: true as const,
              presence: await presence.query(userId, userIds),
            }),
          },
          guard,
        ),
      );
      on(
        'typing',
        guardEvent(
          {
            ...spec,
            name: 'typing',
            schema: typingRequest,
            handle: async (request) => {
              typing.handle(socket, request);
              return { ok: true as const };
            },
          },
          guard,
        ),
      );
      on(
        'receipt',
        guardEvent(
          {
            ...spec,
            name: 'receipt',
            schema: receiptRequest,
            handle: (request) => receipts.receipt(userId, request),
          },
          guard,
        ),
      );
      on(
        'receipts:list',
        guardEvent(
          {
            ...spec,
            name: 'receipts:list',
            schema: receiptsListRequest,
            handle: async ({ conversationId }) => ({
              ok: true as const,
              receipts: await receipts.list(userId, conversationId),
            }),
          },
          guard,
        ),
      );
      on(
        'settings',
        guardEvent(
          {
            ...spec,
            name: 'settings',
            schema: settingsRequest,
            handle: async (request) => ({
              ok: true as const,
              settings: await receipts.updateSettings(userId, request),
            }),
          },
          guard,
        ),
      );
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
