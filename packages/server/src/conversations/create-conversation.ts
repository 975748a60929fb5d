import type { CreateConversationRequest } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import { decodeB64u, encodeB64u } from '../auth/encoding.js';
import { ApiError } from '../http/api-error.js';
import { directPairKey } from '../store/conversation-store.js';
import type {
  ConversationRecord,
  NewMemberEntry,
  StoredEvent,
} from '../store/conversation-store.js';
import { isStoreConflict } from '../store/store-errors.js';
import type { UserRecord } from '../store/store.js';
import { applyChange, checkCreateEntry, checkEntry } from './membership-rules.js';
import type { MembershipView } from './membership-rules.js';

/** A created conversation and the events that started its log. */
export interface CreatedConversation {
  conversation: ConversationRecord;
  events: StoredEvent[];
}

function invalid(field: string, message: string): ApiError {
  return new ApiError('invalid_input', `${field}: ${message}`, { field });
}

/** Shape rules of the two kinds, checked before any entry. */
function checkKind(body: CreateConversationRequest, caller: string): string | null {
  if (body.kind === 'group') return null;
  if (body.title !== undefined) throw invalid('body.title', 'direct conversations have no title');
  const add = body.entries[1]?.entry;
  if (body.entries.length !== 2 || add?.op !== 'add') {
    throw invalid('body.entries', 'a direct conversation is exactly create and one add');
  }
  if (add.target === caller) throw invalid('body.entries.1.entry.target', 'must be another user');
  return directPairKey(caller, add.target);
}

async function directoryIk(ctx: AppContext, userId: string): Promise<string | undefined> {
  const user = await ctx.store.findUserById(userId);
  return user && encodeB64u(user.identityKey);
}

/**
 * Creates a conversation from the start of its signed membership log: `create` by the caller,
 * then each further entry checked by the same rules as later appends, against the state the
 * entries before it built.
 *
 * @throws {ApiError} `conflict` when the id is taken, or when the pair already has a direct
 *   conversation (its id is in the message; `GET /conversations/direct/:userId` finds it);
 *   `invalid_input`, `forbidden` or `not_found` (an unknown member) from the rules.
 */
export async function createConversation(
  ctx: AppContext,
  caller: UserRecord,
  body: CreateConversationRequest,
): Promise<CreatedConversation> {
  const directPair = checkKind(body, caller.id);
  const [first, ...rest] = body.entries;
  if (!first) throw invalid('body.entries', 'must start with create');
  const callerIk = encodeB64u(caller.identityKey);
  const createChange = checkCreateEntry(
    first.entry,
    { id: caller.id, identityKey: callerIk },
    'body.entries.0.entry',
  );
  const convId = first.entry.conv;
  const view: MembershipView = {
    convId,
    kind: body.kind,
    pair: directPair === null ? null : directPair.split(':'),
    memberSeq: 0,
    members: new Map(),
    maxMembers: ctx.config.conversations.maxGroupMembers,
  };
  applyChange(view, createChange, 0);
  const entries: NewMemberEntry[] = [
    toNewEntry(first, createChange, caller.id, 'body.entries.0.sig'),
  ];
  for (const [i, signed] of rest.entries()) {
    const field = `body.entries.${i + 1}.entry`;
    const targetDirectoryIk =
      signed.entry.op === 'add' ? await directoryIk(ctx, signed.entry.target) : undefined;
    const change = checkEntry(view, signed.entry, { caller: caller.id, targetDirectoryIk, field });
    applyChange(view, change, signed.entry.seq);
    entries.push(toNewEntry(signed, change, caller.id, `body.entries.${i + 1}.sig`));
  }
  const now = ctx.now();
  try {
    const events = await ctx.store.createConversation({
      id: convId,
      kind: body.kind,
      title: body.title ?? null,
      directPair,
      createdBy: caller.id,
      now,
      entries,
    });
    const conversation = await ctx.store.findConversation(convId);
    if (!conversation) throw new Error('conversation missing right after creation');
    return { conversation, events };
  } catch (error) {
    if (!isStoreConflict(error)) throw error;
    if (error.constraint === 'direct_pair' && directPair !== null) {
      const existing = await ctx.store.findDirectConversation(directPair);
      throw new ApiError(
        'conflict',
        `A direct conversation with this user exists: ${existing?.id ?? 'unknown'}`,
      );
    }
    throw new ApiError('conflict', 'This conversation id is taken');
  }
}

/** The stored form of a checked signed entry. */
export function toNewEntry(
  signed: CreateConversationRequest['entries'][number],
  change: NewMemberEntry['change'],
  sender: string,
  sigField: string,
): NewMemberEntry {
  return {
    memberSeq: signed.entry.seq,
    sender,
    data: JSON.stringify(signed.entry),
    sig: decodeB64u(signed.sig, sigField),
    change,
  };
}
