import { UNREAD_CTYPES } from '@parley/sdk/protocol';
import type { LogEvent } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import { onLogEvents } from '../conversations/log-bus.js';
import { userRoom } from '../realtime/rooms.js';
import type { ParleyIo } from '../realtime/socket-types.js';
import { toUnreadEvent } from './receipt-service.js';

const COUNTED: ReadonlySet<string> = new Set(UNREAD_CTYPES);

/**
 * How long changes are gathered before counts are pushed, in ms. A badge 200 ms late goes
 * unnoticed, and a busy group then costs its members one count each per window, not one per
 * message (at 50 ms, counts were nearly as many pushes as the messages themselves:
 * docs/performance.md).
 */
const COALESCE_MS = 200;

/**
 * A conversation pushed within this many ms waits until this long after its last push: a busy
 * group costs each member one count a second, not five. Clients count the messages they
 * receive themselves (the SDK does), so a busy badge is not late; the push confirms it, and
 * carries what only the server knows (deletions, other devices' reads) within about a second.
 */
const BUSY_INTERVAL_MS = 1000;

/**
 * Whose unread counts an event can change: everyone's for a counting message, a deletion (it
 * may name a counted message) or a membership entry; only the sender's for an edit or a
 * reaction (sending moves the sender's read cursor); nobody's for an epoch.
 */
function affected(event: LogEvent): 'all' | string | null {
  if (event.kind === 'member') return 'all';
  if (event.kind !== 'message') return null;
  const { ctype } = event.message.header;
  return COUNTED.has(ctype) || ctype === 'delete' ? 'all' : event.sender;
}

/**
 * Pushes `unread` to the members whose counts committed events may have changed (see
 * `affected`), gathered over 200 ms: however many messages a conversation gets in that time,
 * each member gets one count, and a conversation pushed less than a second ago waits for its
 * second to end. The counts are read from the store after the commit
 * (one query per conversation: see ADR 0004 for why it is cheap), so every tab and device of a
 * member gets the same number, which a recount of the log would give. On a single node,
 * members without a socket are skipped. A member who left or was removed gets a last push with
 * count 0.
 *
 * @returns The unsubscribe function.
 */
export function startUnreadPusher(ctx: AppContext, io: ParleyIo): () => void {
  const rooms = io.of('/').adapter.rooms;
  const distributed = ctx.cluster !== undefined;

  // Per conversation: everyone, or the set of senders whose own cursor moved. Flushed once per
  // `COALESCE_MS`, so a busy conversation costs one count per member per window, not per batch.
  let dirty = new Map<string, 'all' | Set<string>>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** When each recently pushed conversation was last pushed (pruned at each flush). */
  const pushedAt = new Map<string, number>();

  function collect(events: readonly LogEvent[]): void {
    for (const event of events) {
      const who = affected(event);
      const known = dirty.get(event.conversationId);
      if (who === 'all') dirty.set(event.conversationId, 'all');
      else if (who !== null && known !== 'all') {
        dirty.set(event.conversationId, (known ?? new Set()).add(who));
      }
      if (event.kind === 'member') {
        const { op, target } = event.entry.entry;
        if (op === 'remove' || op === 'leave') {
          io.to(userRoom(target)).emit('unread', {
            conversationId: event.conversationId,
            count: 0,
            readSeq: event.seq,
            lastSeq: event.seq,
          });
        }
      }
    }
    schedule();
  }

  function schedule(): void {
    if (dirty.size > 0 && timer === undefined) {
      timer = setTimeout(() => {
        timer = undefined;
        flush()
          .catch((err: unknown) => ctx.logger.warn({ err }, 'unread push failed'))
          .finally(schedule);
      }, COALESCE_MS);
      timer.unref();
    }
  }

  async function flush(): Promise<void> {
    const now = Date.now();
    for (const [convId, at] of pushedAt) if (now - at >= BUSY_INTERVAL_MS) pushedAt.delete(convId);
    const batch = dirty;
    dirty = new Map();
    let first = true;
    for (const [convId, who] of batch) {
      if (pushedAt.has(convId)) {
        // Pushed less than a second ago: wait for a later window (merging what comes meanwhile).
        const later = dirty.get(convId);
        if (later === 'all' || who === 'all') dirty.set(convId, 'all');
        else dirty.set(convId, later ? new Set([...later, ...who]) : who);
        continue;
      }
      pushedAt.set(convId, now);
      // One conversation per turn of the event loop: a window with hundreds of busy
      // conversations would otherwise hold every socket (and every ack) for its whole length.
      if (!first) await new Promise((resolve) => setImmediate(resolve));
      first = false;
      for (const state of await ctx.store.listConversationCursors(convId)) {
        if (who !== 'all' && !who.has(state.userId)) continue;
        const room = userRoom(state.userId);
        // On one node, skip members with no socket; with several (a shared adapter), the
        // member may be connected elsewhere, so the adapter decides.
        if (distributed || rooms.has(room)) io.to(room).emit('unread', toUnreadEvent(state));
      }
    }
  }

  const off = onLogEvents(ctx, collect);
  return () => {
    off();
    clearTimeout(timer);
  };
}
