import type { RealtimeSettings } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import type { RealtimeSettingsRecord } from '../store/receipt-store.js';

/**
 * The realtime privacy settings (`hidePresence`, `readReceipts`) of users with an open
 * connection, kept in memory so that presence and receipt fan-out never waits for the
 * database. Entries are loaded on connect and dropped when the user's last connection closes;
 * users without a connection are read from the store. With several nodes (`ctx.cluster`)
 * nothing is cached: every read goes to the shared store.
 */
export interface SettingsCache {
  /** The settings (and last seen) of a user, cached or from the store. */
  get(userId: string): Promise<RealtimeSettingsRecord>;
  /** Keeps the user's settings while they are connected. */
  hold(userId: string): Promise<RealtimeSettingsRecord>;
  /** Stops holding (the user's last connection closed). */
  release(userId: string): void;
  /** Stores a change and updates the cached copy. */
  update(userId: string, patch: Partial<RealtimeSettings>): Promise<RealtimeSettingsRecord>;
  /** Records last seen in the store and the cache. */
  seen(userId: string, at: number): Promise<void>;
}

/** Builds the cache over the context's store. */
export function createSettingsCache(ctx: AppContext): SettingsCache {
  const held = new Map<string, RealtimeSettingsRecord>();
  // With several nodes a change made on another node would not reach this cache: read through.
  const caching = ctx.cluster === undefined;
  return {
    async get(userId) {
      return held.get(userId) ?? ctx.store.getRealtimeSettings(userId);
    },
    async hold(userId) {
      const cached = held.get(userId);
      if (cached) return cached;
      const loaded = await ctx.store.getRealtimeSettings(userId);
      if (caching) held.set(userId, loaded);
      return loaded;
    },
    release(userId) {
      held.delete(userId);
    },
    async update(userId, patch) {
      const next = await ctx.store.updateRealtimeSettings(userId, patch);
      if (held.has(userId)) held.set(userId, next);
      return next;
    },
    async seen(userId, at) {
      await ctx.store.setLastSeen(userId, at);
      const cached = held.get(userId);
      if (cached) held.set(userId, { ...cached, lastSeenAt: at });
    },
  };
}
