import type { TypingRequest } from '@parley/sdk/protocol';
import { noSuchConversation } from '../conversations/access.js';
import { conversationRoom, userRoom } from '../realtime/rooms.js';
import type { ParleyIo, ParleySocket } from '../realtime/socket-types.js';

/** Typing indicators; see {@link createTypingRelay}. */
export interface TypingRelay {
  /**
   * Handles a `typing` event of `socket`.
   * @throws {ApiError} `not_found` when the socket is not in the conversation.
   */
  handle(socket: ParleySocket, request: TypingRequest): void;
  /** The user's last socket closed: end whatever they were typing. */
  userGone(userId: string): void;
  /** Clears every timer (shutdown). */
  close(): void;
}

/** Options of {@link createTypingRelay}. */
export interface TypingRelayOptions {
  /** A `typing: true` ends this long after the last one, in ms. */
  ttlMs: number;
}

/**
 * Relays typing indicators to the other members of a conversation, and only to them: the
 * sender must be in the conversation's room (which the membership log keeps exact), and the
 * indicator goes to that room minus the sender's own sockets. Nothing is stored. An indicator
 * ends when the sender says so, when it is not refreshed within `ttlMs`, or when the sender's
 * last connection closes; each end is announced once as `typing: false`. Repeated `true`s
 * only re-arm the timer, so the room hears one start per burst of typing.
 */
export function createTypingRelay(io: ParleyIo, options: TypingRelayOptions): TypingRelay {
  // (conversation, user) → expiry timer of an active indicator.
  const active = new Map<string, ReturnType<typeof setTimeout>>();
  const byUser = new Map<string, Set<string>>();
  const keyOf = (convId: string, userId: string) => `${convId}\n${userId}`;

  function emit(convId: string, userId: string, typing: boolean): void {
    io.to(conversationRoom(convId))
      .except(userRoom(userId))
      .emit('typing', { conversationId: convId, userId, typing });
  }

  function stop(convId: string, userId: string): void {
    const key = keyOf(convId, userId);
    const timer = active.get(key);
    if (timer === undefined) return;
    clearTimeout(timer);
    active.delete(key);
    byUser.get(userId)?.delete(convId);
    if (byUser.get(userId)?.size === 0) byUser.delete(userId);
    emit(convId, userId, false);
  }

  return {
    handle(socket, { conversationId, typing }) {
      if (!socket.rooms.has(conversationRoom(conversationId))) throw noSuchConversation();
      const { userId } = socket.data;
      if (!typing) {
        stop(conversationId, userId);
        return;
      }
      const key = keyOf(conversationId, userId);
      const previous = active.get(key);
      if (previous !== undefined) clearTimeout(previous);
      else {
        let convs = byUser.get(userId);
        if (!convs) byUser.set(userId, (convs = new Set()));
        convs.add(conversationId);
        emit(conversationId, userId, true);
      }
      const timer = setTimeout(() => stop(conversationId, userId), options.ttlMs);
      timer.unref();
      active.set(key, timer);
    },
    userGone(userId) {
      for (const convId of [...(byUser.get(userId) ?? [])]) stop(convId, userId);
    },
    close() {
      for (const timer of active.values()) clearTimeout(timer);
      active.clear();
      byUser.clear();
    },
  };
}
