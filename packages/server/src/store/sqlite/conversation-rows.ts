import type {
  ConversationKindName,
  ConversationRecord,
  EnvelopeRecord,
  EpochInfoRecord,
  EventKind,
  MemberRecord,
  StoredEvent,
} from '../conversation-store.js';
import { bytes } from './rows.js';

/** A `conversations` row joined with its current epoch's message count. */
export interface ConversationRow {
  id: string;
  kind: ConversationKindName;
  title: string | null;
  direct_pair: string | null;
  created_by: string;
  created_at: number;
  last_seq: number;
  last_event_at: number;
  member_seq: number;
  last_departure_seq: number;
  current_epoch_id: string | null;
  current_epoch_messages: number | null;
}

/** A `members` row. */
export interface MemberRow {
  conv_id: string;
  user_id: string;
  identity_key: Buffer;
  is_admin: number;
  joined_seq: number;
}

/** An `events` row (the columns read back). */
export interface EventRow {
  conv_id: string;
  seq: number;
  kind: EventKind;
  sender: string;
  ts: number;
  data: string;
  sig: Buffer;
  box: Buffer | null;
  msg_id: string | null;
}

/** An `epochs` row joined with its event. */
export interface EpochRow {
  epoch_id: string;
  seq: number;
  ts: number;
  creator: string;
  member_log_seq: number;
  msg_count: number;
  data: string;
  sig: Buffer;
}

/** An `envelopes` row. */
export interface EnvelopeRow {
  epoch_id: string;
  recipient: string;
  ka_id: Buffer;
  enc: Buffer;
  ct: Buffer;
}

/** The columns of `events` that {@link toEvent} needs, for SELECT lists. */
export const EVENT_COLUMNS = 'conv_id, seq, kind, sender, ts, data, sig, box, msg_id';

/** Maps a `members` row. */
export function toMember(row: MemberRow): MemberRecord {
  return {
    userId: row.user_id,
    identityKey: bytes(row.identity_key),
    admin: row.is_admin === 1,
    joinedSeq: row.joined_seq,
  };
}

/** Maps a conversation row and its member rows. */
export function toConversation(row: ConversationRow, members: MemberRow[]): ConversationRecord {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    directPair: row.direct_pair,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastSeq: row.last_seq,
    lastEventAt: row.last_event_at,
    memberSeq: row.member_seq,
    lastDepartureSeq: row.last_departure_seq,
    currentEpochId: row.current_epoch_id,
    currentEpochMessages: row.current_epoch_messages ?? 0,
    members: members.map(toMember),
  };
}

/** Maps an `events` row. */
export function toEvent(row: EventRow): StoredEvent {
  return {
    convId: row.conv_id,
    seq: row.seq,
    kind: row.kind,
    sender: row.sender,
    ts: row.ts,
    data: row.data,
    sig: bytes(row.sig),
    box: row.box === null ? null : bytes(row.box),
    msgId: row.msg_id,
  };
}

/** Maps an epoch row. */
export function toEpochInfo(row: EpochRow): EpochInfoRecord {
  return {
    epochId: row.epoch_id,
    seq: row.seq,
    ts: row.ts,
    creator: row.creator,
    memberLogSeq: row.member_log_seq,
    messageCount: row.msg_count,
    data: row.data,
    sig: bytes(row.sig),
  };
}

/** Maps an `envelopes` row. */
export function toEnvelope(row: EnvelopeRow): EnvelopeRecord {
  return {
    epochId: row.epoch_id,
    recipient: row.recipient,
    kaId: bytes(row.ka_id),
    enc: bytes(row.enc),
    ct: bytes(row.ct),
  };
}
