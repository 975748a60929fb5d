import { createHash } from 'node:crypto';
import type { CreateEpochRequest } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import { decodeB64u, encodeB64u } from '../auth/encoding.js';
import { ApiError } from '../http/api-error.js';
import type { ConversationRecord, NewEnvelope, NewEpoch } from '../store/conversation-store.js';

function invalid(field: string, message: string): ApiError {
  return new ApiError('invalid_input', `${field}: ${message}`, { field });
}

/**
 * Checks a new epoch against the conversation (crypto.md §7.7) and returns what to store.
 *
 * The server cannot verify the creator's signature, but it checks everything else a recipient
 * would: the record is for this conversation, created by the caller, chained to the current
 * epoch, sealed to exactly the current member set, and every envelope belongs to a listed
 * recipient, uses the key-agreement key the record names (one the recipient published) and
 * hashes to the record's `envHash`. So a buggy client fails here, not on every reader.
 *
 * @throws {ApiError} `conflict` when another epoch or membership change won the race (adopt it
 *   and retry), `forbidden` when the creator is not the caller, `invalid_input` otherwise.
 */
export async function checkNewEpoch(
  ctx: AppContext,
  conversation: ConversationRecord,
  caller: string,
  body: CreateEpochRequest,
): Promise<NewEpoch> {
  const { record } = body.epoch;
  const field = 'body.epoch.record';
  if (record.conv !== conversation.id) throw invalid(`${field}.conv`, 'names another conversation');
  if (record.creator !== caller)
    throw new ApiError('forbidden', 'Epochs must be created by the caller');
  if (record.prevEpochId !== body.expectedPrevEpochId) {
    throw invalid(`${field}.prevEpochId`, 'must equal expectedPrevEpochId');
  }
  if (body.expectedPrevEpochId !== conversation.currentEpochId) {
    throw new ApiError('conflict', `The current epoch is ${conversation.currentEpochId ?? 'none'}`);
  }
  if (record.memberLogSeq !== conversation.memberSeq) {
    throw new ApiError(
      'conflict',
      `The membership log is at seq ${conversation.memberSeq}; seal the epoch to that member set`,
    );
  }
  checkRecipients(
    conversation,
    record.recipients.map((r) => r.user),
  );
  await checkKaKeys(ctx, record.recipients);
  return {
    convId: conversation.id,
    epochId: record.epochId,
    prevEpochId: body.expectedPrevEpochId,
    expectedMemberSeq: conversation.memberSeq,
    creator: caller,
    data: JSON.stringify(record),
    sig: decodeB64u(body.epoch.sig, 'body.epoch.sig'),
    envelopes: checkEnvelopes(body),
    now: ctx.now(),
  };
}

function checkRecipients(conversation: ConversationRecord, users: readonly string[]): void {
  const field = 'body.epoch.record.recipients';
  for (let i = 1; i < users.length; i++) {
    if ((users[i - 1] ?? '') >= (users[i] ?? ''))
      throw invalid(field, 'must be sorted by user id, once each');
  }
  const members = conversation.members.map((m) => m.userId).sort();
  if (users.length !== members.length || users.some((u, i) => u !== members[i])) {
    throw invalid(field, 'must be exactly the current members');
  }
}

async function checkKaKeys(
  ctx: AppContext,
  recipients: CreateEpochRequest['epoch']['record']['recipients'],
): Promise<void> {
  for (const [i, r] of recipients.entries()) {
    const keys = await ctx.store.listKaKeys(r.user);
    if (!keys.some((k) => encodeB64u(k.kaId) === r.kaId)) {
      throw invalid(
        `body.epoch.record.recipients.${i}.kaId`,
        'is not a published key of the recipient',
      );
    }
  }
}

function checkEnvelopes(body: CreateEpochRequest): NewEnvelope[] {
  const recipients = new Map(body.epoch.record.recipients.map((r) => [r.user, r]));
  if (body.envelopes.length !== recipients.size) {
    throw invalid('body.envelopes', 'must hold one envelope per recipient');
  }
  const seen = new Set<string>();
  return body.envelopes.map((env, i) => {
    const field = `body.envelopes.${i}`;
    const recipient = recipients.get(env.user);
    if (!recipient || seen.has(env.user))
      throw invalid(`${field}.user`, 'is not a recipient, or is repeated');
    seen.add(env.user);
    if (env.kaId !== recipient.kaId) throw invalid(`${field}.kaId`, 'differs from the record');
    const enc = decodeB64u(env.enc, `${field}.enc`);
    const ct = decodeB64u(env.ct, `${field}.ct`);
    const hash = createHash('sha256').update(enc).update(ct).digest('base64url');
    if (hash !== recipient.envHash) throw invalid(field, "does not hash to the record's envHash");
    return { recipient: env.user, kaId: decodeB64u(env.kaId, `${field}.kaId`), enc, ct };
  });
}
