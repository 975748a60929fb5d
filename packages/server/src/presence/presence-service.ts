import type { PresenceInfo, PresenceState } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import type { SettingsCache } from '../receipts/settings-cache.js';
import { userRoom } from '../realtime/rooms.js';
import type { ParleyIo, ParleySocket } from '../realtime/socket-types.js';
import { clusterBus } from '../cluster/context-bus.js';
import { PresenceTable } from './presence-table.js';

/** Presence as DESIGN §8 describes it; see {@link createPresenceService}. */
export interface PresenceService {
  /** A socket connected: it counts as `online`. */
  connected(socket: ParleySocket): Promise<void>;
  /**
   * A socket is closing (call from `disconnecting`, while its rooms are still known).
   * @returns Whether it was the user's last connection.
   */
  disconnecting(socket: ParleySocket): boolean;
  /** A socket became active (`online`) or idle (`away`). */
  set(socket: ParleySocket, state: 'online' | 'away'): void;
  /** The user hid or showed their presence: tell their contacts. */
  visibilityChanged(userId: string): Promise<void>;
  /** The presence of those `userIds` who share a conversation with `caller`. */
  query(caller: string, userIds: readonly string[]): Promise<PresenceInfo[]>;
  /** Connected users and `presence` pushes so far (benchmarks, metrics). */
  stats(): { users: number; pushes: number };
  /** Stops listening to other nodes. */
  close(): void;
}

const CONV_PREFIX = 'conv:';

/**
 * Presence without a contact list: a user's presence goes to the rooms of the conversations
 * they are in (minus their own sockets), and those rooms hold exactly the sockets of people
 * who share a conversation with them, so nobody else can receive it and no database query is
 * needed to fan it out. Socket.io sends one copy per socket even when several rooms hold it.
 *
 * A change is announced only when the folded state changes, over all tabs, devices and server
 * nodes (see {@link PresenceTable}): a second tab, or one tab of two going idle, is silent. Hidden users look `offline` with no
 * last-seen time to everyone, including in `presence:query`. Last seen is stored when the last
 * connection closes.
 */
export function createPresenceService(
  ctx: AppContext,
  io: ParleyIo,
  settings: SettingsCache,
): PresenceService {
  const registry = new PresenceTable({
    bus: clusterBus(ctx),
    now: ctx.now,
    onError: (err) => ctx.logger.warn({ err }, 'presence bus failed'),
  });
  registry.start();
  const lastSeen = new Map<string, number>();
  let pushes = 0;

  function convRoomsOf(sockets: Iterable<ParleySocket>): string[] {
    const rooms = new Set<string>();
    for (const socket of sockets) {
      for (const room of socket.rooms) if (room.startsWith(CONV_PREFIX)) rooms.add(room);
    }
    return [...rooms];
  }

  function socketsOf(userId: string): ParleySocket[] {
    const ids = io.of('/').adapter.rooms.get(userRoom(userId));
    const out: ParleySocket[] = [];
    for (const id of ids ?? []) {
      const socket = io.of('/').sockets.get(id);
      if (socket) out.push(socket);
    }
    return out;
  }

  function info(userId: string, state: PresenceState, hidden: boolean): PresenceInfo {
    if (hidden) return { userId, state: 'offline', lastSeenAt: null };
    return {
      userId,
      state,
      lastSeenAt: state === 'offline' ? (lastSeen.get(userId) ?? null) : null,
    };
  }

  function announce(payload: PresenceInfo, rooms: string[]): void {
    if (rooms.length === 0) return;
    pushes++;
    io.to(rooms).except(userRoom(payload.userId)).emit('presence', payload);
  }

  async function changed(userId: string, after: PresenceState, rooms: string[]): Promise<void> {
    const { hidePresence } = await settings.get(userId);
    if (!hidePresence) announce(info(userId, after, false), rooms);
  }

  return {
    async connected(socket) {
      const { userId } = socket.data;
      const change = registry.set(userId, socket.id, 'online');
      if (change.before !== change.after)
        await changed(userId, change.after, convRoomsOf([socket]));
    },
    disconnecting(socket) {
      const { userId } = socket.data;
      const rooms = convRoomsOf([socket]);
      const change = registry.remove(userId, socket.id);
      if (change.after === 'offline' && change.before !== 'offline') {
        const now = ctx.now();
        lastSeen.set(userId, now);
        settings.seen(userId, now).catch((err: unknown) => {
          ctx.logger.warn({ err }, 'could not store last seen');
        });
      }
      if (change.before !== change.after) {
        changed(userId, change.after, rooms).catch((err: unknown) => {
          ctx.logger.warn({ err }, 'presence fan-out failed');
        });
      }
      return change.localGone;
    },
    set(socket, state) {
      const { userId } = socket.data;
      const change = registry.set(userId, socket.id, state);
      if (change.before === change.after) return;
      changed(userId, change.after, convRoomsOf(socketsOf(userId))).catch((err: unknown) => {
        ctx.logger.warn({ err }, 'presence fan-out failed');
      });
    },
    async visibilityChanged(userId) {
      const { hidePresence } = await settings.get(userId);
      announce(
        info(userId, registry.stateOf(userId), hidePresence),
        convRoomsOf(socketsOf(userId)),
      );
    },
    async query(caller, userIds) {
      const contacts = new Set(await ctx.store.listContacts(caller));
      const out: PresenceInfo[] = [];
      for (const userId of new Set(userIds)) {
        if (!contacts.has(userId)) continue;
        const record = await settings.get(userId);
        // Another node may have stored a later time (several nodes share the store).
        if (record.lastSeenAt !== null && record.lastSeenAt > (lastSeen.get(userId) ?? 0)) {
          lastSeen.set(userId, record.lastSeenAt);
        }
        out.push(info(userId, registry.stateOf(userId), record.hidePresence));
      }
      return out;
    },
    stats() {
      return { users: registry.localUsers, pushes };
    },
    close() {
      registry.stop();
    },
  };
}
