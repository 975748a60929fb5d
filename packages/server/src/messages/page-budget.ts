import type { StoredEvent } from '../store/conversation-store.js';
import { eventWireBytes } from '../conversations/event-view.js';

/** A page trimmed to a byte budget. */
export interface TrimmedPage {
  events: StoredEvent[];
  /** Whether events were dropped to fit. */
  trimmed: boolean;
  /** Bytes the kept events take. */
  bytes: number;
}

/**
 * Keeps as many events of an ascending page as fit in `maxBytes`, from the side the client is
 * paging from: the oldest when paging forward, the newest when paging back. At least one event
 * is kept whenever the budget is positive, so paging always makes progress.
 */
export function trimToBudget(
  events: readonly StoredEvent[],
  maxBytes: number,
  direction: 'forward' | 'backward',
): TrimmedPage {
  const ordered = direction === 'forward' ? events : [...events].reverse();
  const kept: StoredEvent[] = [];
  let bytes = 0;
  for (const event of ordered) {
    const size = eventWireBytes(event);
    if (kept.length > 0 && bytes + size > maxBytes) break;
    if (maxBytes <= 0) break;
    kept.push(event);
    bytes += size;
  }
  if (direction === 'backward') kept.reverse();
  return { events: kept, trimmed: kept.length < events.length, bytes };
}
