import type {
  ConversationSummary,
  LogEvent,
  MembershipEntryWire,
  MessageHeaderWire,
  EpochRecordWire,
} from '@parley/sdk/protocol';
import { encodeB64u } from '../auth/encoding.js';
import type { ConversationRecord, StoredEvent } from '../store/conversation-store.js';

/**
 * Turns a stored event into its wire form. The JSON text was produced by the server from a
 * schema-validated request, so it is parsed back without re-validation.
 */
export function toLogEvent(e: StoredEvent): LogEvent {
  const base = { conversationId: e.convId, seq: e.seq, ts: e.ts, sender: e.sender };
  const sig = encodeB64u(e.sig);
  switch (e.kind) {
    case 'message':
      return {
        ...base,
        kind: 'message',
        id: e.msgId ?? '',
        message: {
          header: JSON.parse(e.data) as MessageHeaderWire,
          box: encodeB64u(e.box ?? new Uint8Array()),
          sig,
        },
      };
    case 'member':
      return {
        ...base,
        kind: 'member',
        entry: { entry: JSON.parse(e.data) as MembershipEntryWire, sig },
      };
    case 'epoch':
      return {
        ...base,
        kind: 'epoch',
        epoch: { record: JSON.parse(e.data) as EpochRecordWire, sig },
      };
  }
}

/** About how many bytes an event takes on the wire, for page budgets. */
export function eventWireBytes(e: StoredEvent): number {
  return 256 + e.data.length + Math.ceil(((e.box?.length ?? 0) * 4) / 3);
}

/** A conversation as its members see it. */
export function toSummary(c: ConversationRecord): ConversationSummary {
  return {
    id: c.id,
    kind: c.kind,
    title: c.title,
    createdBy: c.createdBy,
    createdAt: c.createdAt,
    members: c.members.map((m) => ({ userId: m.userId, admin: m.admin })),
    lastSeq: c.lastSeq,
    memberLogSeq: c.memberSeq,
    currentEpoch:
      c.currentEpochId === null
        ? null
        : { epochId: c.currentEpochId, messageCount: c.currentEpochMessages },
  };
}
