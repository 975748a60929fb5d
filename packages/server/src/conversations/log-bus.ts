import type { LogEvent } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';

/** Receives events right after they were committed, in `seq` order per conversation. */
export type LogEventsListener = (events: readonly LogEvent[]) => void;

// Keyed by context so that several servers in one process never see each other's events.
const listeners = new WeakMap<AppContext, Set<LogEventsListener>>();

/**
 * Subscribes to newly stored log events (messages, membership entries, epochs). The realtime hub
 * uses it to fan events out to the conversation's room and to move members in and out of rooms;
 * REST routes and the socket send path both publish here, so every write reaches connected
 * members the same way.
 *
 * @returns The unsubscribe function.
 */
export function onLogEvents(ctx: AppContext, listener: LogEventsListener): () => void {
  let set = listeners.get(ctx);
  if (!set) {
    set = new Set();
    listeners.set(ctx, set);
  }
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}

/**
 * Announces events that were just committed, in order. Call it only after the transaction
 * that stored them, never before: a member must never see an event the log does not have.
 * A throwing listener is logged and does not stop the others.
 */
export function publishLogEvents(ctx: AppContext, events: readonly LogEvent[]): void {
  if (events.length === 0) return;
  for (const listener of listeners.get(ctx) ?? []) {
    try {
      listener(events);
    } catch (err) {
      ctx.logger.error({ err }, 'log event listener failed');
    }
  }
}
