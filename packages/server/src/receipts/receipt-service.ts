import type {
  MemberReceipt,
  ReceiptAck,
  ReceiptRequest,
  RealtimeSettings,
  SettingsRequest,
  UnreadEvent,
} from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import { noSuchConversation } from '../conversations/access.js';
import type { PresenceService } from '../presence/presence-service.js';
import { conversationRoom, userRoom } from '../realtime/rooms.js';
import type { ParleyIo, ParleySocket } from '../realtime/socket-types.js';
import type { CursorState } from '../store/receipt-store.js';
import type { SettingsCache } from './settings-cache.js';

/**
 * The room of every socket whose user turned read receipts off. Read receipts are broadcast
 * to a conversation's room *except* this one, so those users see none. A socket joins it on
 * connect until its settings are loaded (so nothing leaks in between).
 */
export const READ_RECEIPTS_OFF_ROOM = 'flag:read-receipts-off';

/** Receipts, their privacy setting and the `unread` push; see {@link createReceiptService}. */
export interface ReceiptService {
  /**
   * Moves the caller's cursor and tells whoever may know.
   * @throws {ApiError} `not_found` when the caller is not a member.
   */
  receipt(userId: string, request: ReceiptRequest): Promise<Extract<ReceiptAck, { ok: true }>>;
  /** Every member's cursors, read cursors hidden where either side turned them off. */
  list(userId: string, convId: string): Promise<MemberReceipt[]>;
  /** Changes (or reads) the caller's settings and applies them to their sockets at once. */
  updateSettings(userId: string, request: SettingsRequest): Promise<RealtimeSettings>;
  /** Sends the socket its unread count in each of its conversations (on connect). */
  snapshot(socket: ParleySocket): Promise<void>;
}

/** The `unread` push of one cursor state. */
export function toUnreadEvent(state: CursorState): UnreadEvent {
  return {
    conversationId: state.convId,
    count: state.unread,
    readSeq: state.readSeq,
    lastSeq: state.lastSeq,
  };
}

/**
 * Read receipts follow Zulip's rule: a user who turns them off sends none (their read cursor
 * still drives their own unread counts, but is never broadcast or listed) and sees none (they
 * sit in {@link READ_RECEIPTS_OFF_ROOM}, and `receipts:list` hides read cursors from them).
 * Delivery receipts are not covered by the setting. Only a receipt that moved a cursor to the
 * requested place is broadcast, so a lower (stale) cursor never reaches anyone.
 */
export function createReceiptService(
  ctx: AppContext,
  io: ParleyIo,
  settings: SettingsCache,
  presence: PresenceService,
): ReceiptService {
  function broadcast(state: CursorState, type: 'read' | 'delivered', visible: boolean): void {
    const seq = type === 'read' ? state.readSeq : state.deliveredSeq;
    const event = { conversationId: state.convId, userId: state.userId, type, seq };
    const room = io.to(conversationRoom(state.convId));
    if (type === 'delivered') room.emit('receipt', event);
    else if (visible) room.except(READ_RECEIPTS_OFF_ROOM).emit('receipt', event);
  }

  return {
    async receipt(userId, { conversationId, type, seq }) {
      const state =
        type === 'read'
          ? await ctx.store.markRead(conversationId, userId, seq)
          : await ctx.store.markDelivered(conversationId, userId, seq);
      if (!state) throw noSuchConversation();
      const target = Math.min(seq, state.lastSeq);
      if (type === 'read' && state.readSeq === target) {
        const { readReceipts } = await settings.get(userId);
        broadcast(state, 'read', readReceipts);
        broadcast(state, 'delivered', true);
        io.to(userRoom(userId)).emit('unread', toUnreadEvent(state));
      } else if (type === 'delivered' && state.deliveredSeq === target) {
        broadcast(state, 'delivered', true);
      }
      return {
        ok: true,
        readSeq: state.readSeq,
        deliveredSeq: state.deliveredSeq,
        unread: state.unread,
        lastSeq: state.lastSeq,
      };
    },
    async list(userId, convId) {
      const cursors = await ctx.store.listConversationCursors(convId);
      if (!cursors.some((c) => c.userId === userId)) throw noSuchConversation();
      const mine = await settings.get(userId);
      const out: MemberReceipt[] = [];
      for (const c of cursors) {
        const visible = mine.readReceipts && (await settings.get(c.userId)).readReceipts;
        out.push({
          userId: c.userId,
          deliveredSeq: c.deliveredSeq,
          readSeq: visible ? c.readSeq : null,
        });
      }
      return out.sort((a, b) => (a.userId < b.userId ? -1 : 1));
    },
    async updateSettings(userId, request) {
      const before = await settings.get(userId);
      const after = await settings.update(userId, request);
      const sockets = io.in(userRoom(userId));
      if (after.readReceipts) sockets.socketsLeave(READ_RECEIPTS_OFF_ROOM);
      else sockets.socketsJoin(READ_RECEIPTS_OFF_ROOM);
      if (before.hidePresence !== after.hidePresence) await presence.visibilityChanged(userId);
      const view = { hidePresence: after.hidePresence, readReceipts: after.readReceipts };
      io.to(userRoom(userId)).emit('settings', view);
      return view;
    },
    async snapshot(socket) {
      for (const state of await ctx.store.listUnread(socket.data.userId)) {
        socket.emit('unread', toUnreadEvent(state));
      }
    },
  };
}
