import type { MemberReceipt } from '../protocol/realtime.js';
import type { Message } from '../types.js';

/**
 * Where an own message is on its way to the other members: `pending` (in the outbox),
 * `sent` (stored by the server), `delivered` (a device of every other member stored it),
 * `read` (every other member read it), or `failed` (refused; retry it). In a group, a message
 * is `delivered`/`read` only once that holds for *every* other member; see
 * {@link MessageReceipts} for who has it so far. A member who turned read receipts off (or a
 * viewer who did) never counts as having read, so such messages stop at `delivered`.
 * Messages of others are `sent` (received) or `undecryptable`.
 */
export type DeliveryState = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

/** Who has an own message: the other members whose devices stored it, and who read it. */
export interface MessageReceipts {
  /** Other members with a device that stored the message (readers included). */
  readonly deliveredTo: readonly string[];
  /** Other members who read it (only those sharing read receipts). */
  readonly readBy: readonly string[];
  /** Other members in all. */
  readonly members: number;
}

/** Per member cursors of one conversation, as the SDK holds them. */
export type ReceiptCursors = ReadonlyMap<string, MemberReceipt>;

/** Who of the other current members delivered and read `message` (at its `seq`). */
export function receiptsOf(
  message: Message,
  cursors: ReceiptCursors,
  me: string,
  members: readonly string[],
): MessageReceipts {
  const others = members.filter((m) => m !== me);
  const seq = message.seq;
  if (seq === null) return { deliveredTo: [], readBy: [], members: others.length };
  const deliveredTo: string[] = [];
  const readBy: string[] = [];
  for (const userId of others) {
    const cursor = cursors.get(userId);
    if (!cursor) continue;
    const read = cursor.readSeq !== null && cursor.readSeq >= seq;
    if (read) readBy.push(userId);
    if (read || cursor.deliveredSeq >= seq) deliveredTo.push(userId);
  }
  return { deliveredTo, readBy, members: others.length };
}

/** The {@link DeliveryState} of a message (see there). */
export function deliveryStateOf(
  message: Message,
  cursors: ReceiptCursors,
  me: string,
  members: readonly string[],
): DeliveryState {
  if (message.status === 'pending' || message.status === 'failed') return message.status;
  if (message.status !== 'sent' || message.sender !== me || message.seq === null) return 'sent';
  const r = receiptsOf(message, cursors, me, members);
  if (r.members === 0) return 'sent';
  if (r.readBy.length === r.members) return 'read';
  if (r.deliveredTo.length === r.members) return 'delivered';
  return 'sent';
}
