import { MAX_HISTORY_PAGE } from '../protocol/conversations.js';
import type { Message } from '../types.js';
import type { ConversationState } from './conversation-state.js';

/** Messages loaded before the target too, so it does not open at the very top of the view. */
export const CONTEXT_BEFORE = 10;

/**
 * Loads history pages until the log position `seq` is inside the loaded window (plus a little
 * context before it), then returns the message there: what opening a search result or a link
 * to a message needs.
 *
 * @param loadOlder - Fetches one page of at most `limit` events before the window.
 * @returns The message at `seq`, or `undefined` when there is none to show there (not a
 *   message, or beyond the log).
 * @throws RangeError for a `seq` that is not a positive integer; ChatError from loading.
 */
export async function loadAround(
  state: ConversationState,
  seq: number,
  loadOlder: (limit: number) => Promise<number>,
): Promise<Message | undefined> {
  if (!Number.isSafeInteger(seq) || seq < 1)
    throw new RangeError('loadAround() needs a positive integer seq');
  await state.ensureReady();
  const target = Math.max(1, seq - CONTEXT_BEFORE);
  while (state.hasOlder && state.window.firstSeq > target) {
    const before = state.window.firstSeq;
    await loadOlder(Math.min(MAX_HISTORY_PAGE, before - target));
    // A page that moved nothing (the server answered empty) must not loop forever.
    if (state.window.firstSeq >= before) break;
  }
  return findBySeq(state.timeline.stored, seq);
}

/** Binary search of a `seq`-ordered list. */
function findBySeq(messages: readonly Message[], seq: number): Message | undefined {
  let low = 0;
  let high = messages.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const found = messages[mid]!.seq!;
    if (found === seq) return messages[mid];
    if (found < seq) low = mid + 1;
    else high = mid - 1;
  }
  return undefined;
}
