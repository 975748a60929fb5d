import { toB64u } from '../crypto/encoding.js';
import { createEpoch } from '../crypto/epochs.js';
import type { OpenedEpoch } from '../crypto/epochs.js';
import { isCryptoError } from '../crypto/errors.js';
import { shouldRotate } from '../crypto/rotation-policy.js';
import type { EpochReason, RotationDecision } from '../crypto/rotation-policy.js';
import type { MembershipState } from '../crypto/membership-log.js';
import { ChatError } from '../errors.js';
import type { SignedKaKey } from '../protocol/auth.js';
import { epochEvent } from '../protocol/conversations.js';
import { conversationPath } from './context.js';
import type { ConversationContext } from './context.js';
import type { ConversationState } from './conversation-state.js';

/** Rounds of "rotate, lose the race, adopt, decide again" before giving up for now. */
const MAX_ROUNDS = 5;

/**
 * The epoch the next message must be encrypted with (crypto.md §7.7 "Rotation policy"),
 * creating one first when the policy says so: no epoch yet, a membership change since the
 * current one (mandatory, so a removed member cannot read the next message), an accepted
 * identity change, `manual`, the message count or the age limit.
 *
 * A new epoch key is sealed to every current member's newest valid key-agreement key (the
 * sender included, so their other browsers read it), and only to members whose identity key is
 * the one pinned in the trust store: a changed, unaccepted key stops the rotation with
 * `forbidden` and nothing is sealed. The server takes the epoch by compare-and-set; losing the
 * race (409) means another member just rotated, so their epoch is adopted and the decision
 * made again; no message is lost, and both senders end up on one epoch.
 *
 * @param manual - Rotate even if the policy does not require it.
 * @throws ChatError `forbidden` (an identity changed, or the user is not a member),
 *   `decryption_failed` (the current epoch or the log does not verify), `conflict` after too
 *   many lost races, network errors.
 */
export async function ensureSendEpoch(
  ctx: ConversationContext,
  state: ConversationState,
  manual = false,
): Promise<OpenedEpoch> {
  await state.ensureReady();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const membership = state.requireLog().current;
    if (!membership.members.some((m) => m.userId === ctx.me.id)) {
      throw new ChatError('forbidden', 'You are not a member of this conversation');
    }
    const { epoch, decision } = await decide(ctx, state, membership, manual && round === 0);
    if (epoch !== undefined && !decision.rotate) return epoch;
    const reason: EpochReason = decision.rotate ? decision.reason : 'manual';
    const created = await rotate(ctx, state, membership, reason);
    if (created !== undefined) {
      state.keyChangeAccepted = false;
      return created;
    }
    await state.refreshKeys();
  }
  throw new ChatError('conflict', 'Could not agree on an epoch with the other members; try again');
}

async function decide(
  ctx: ConversationContext,
  state: ConversationState,
  membership: MembershipState,
  manual: boolean,
): Promise<{ epoch: OpenedEpoch | undefined; decision: RotationDecision }> {
  const { keyring } = state;
  const currentId = keyring.currentId;
  const summary =
    currentId === null ? undefined : await keyring.summary(currentId, state.requireLog());
  const decision = shouldRotate({
    epoch: summary,
    memberSetHash: membership.memberSetHash,
    members: membership.members,
    messagesInEpoch: keyring.currentCount,
    now: ctx.now(),
    settings: membership.settings,
    identityChangeAccepted: state.keyChangeAccepted,
    manual,
  });
  if (decision.rotate || currentId === null) return { epoch: undefined, decision };
  const opening = await keyring.open(currentId, state.requireLog());
  // An epoch this user cannot open (a withheld envelope, a record that does not verify) is
  // replaced rather than used or trusted.
  return { epoch: opening.ok ? opening.epoch : undefined, decision };
}

/** Creates and publishes an epoch; `undefined` when another member's epoch won the race. */
async function rotate(
  ctx: ConversationContext,
  state: ConversationState,
  membership: MembershipState,
  reason: EpochReason,
): Promise<OpenedEpoch | undefined> {
  const keys = await memberKeys(ctx, membership);
  const prevEpochId = state.keyring.currentId;
  let created;
  try {
    created = await createEpoch(ctx.provider, {
      conv: state.id,
      membership,
      creator: ctx.signer(),
      directory: (userId) => keys.get(userId),
      isTrusted: (member) => ctx.trust.canSealTo(member),
      prevEpochId,
      reason,
      now: ctx.now(),
    });
  } catch (error) {
    throw sealingRefused(error);
  }
  let event;
  try {
    event = await ctx.rest.request('POST', conversationPath(state.id, '/epochs'), {
      body: {
        epoch: created.signed,
        envelopes: created.envelopes,
        expectedPrevEpochId: prevEpochId,
      },
      schema: epochEvent,
    });
  } catch (error) {
    if (ChatError.is(error, 'conflict')) return undefined;
    // A key-agreement key the server no longer lists (cached too long): fetch again next round.
    if (ChatError.is(error, 'invalid_input')) {
      ctx.directory.forgetKeys();
      return undefined;
    }
    throw error;
  }
  state.keyring.install(created.epoch, { signed: event.epoch, seq: event.seq });
  return created.epoch;
}

/**
 * Every member's key-agreement keys, fetched from the directory; each member's identity key
 * there must be the one the trust store pins (and the log pins), or nothing is sealed.
 */
async function memberKeys(
  ctx: ConversationContext,
  membership: MembershipState,
): Promise<Map<string, SignedKaKey[]>> {
  const keys = new Map<string, SignedKaKey[]>();
  // Only keys the server lists: it refuses envelopes sealed to a key it does not know.
  const own = ctx.account.keyAgreementKeys;
  await Promise.all(
    membership.members.map(async (member) => {
      if (member.userId === ctx.me.id) {
        keys.set(member.userId, own);
        return;
      }
      const found = await ctx.directory.keys(member.userId);
      const status = ctx.trust.observe(member.userId, found.identityKey, 'directory');
      if (status === 'changed' || found.identityKey !== member.ik) {
        throw new ChatError(
          'identity_changed',
          `The identity key of ${member.userId} changed; nothing is sealed to it until you accept it`,
        );
      }
      keys.set(member.userId, found.keyAgreementKeys);
    }),
  );
  return keys;
}

function sealingRefused(error: unknown): unknown {
  if (isCryptoError(error, 'identity_untrusted')) {
    return new ChatError(
      'identity_changed',
      `Not sealing to an untrusted identity: ${error.message}`,
      {
        cause: error,
      },
    );
  }
  if (isCryptoError(error)) {
    return new ChatError('forbidden', `Cannot create an epoch: ${error.message}`, { cause: error });
  }
  return error;
}

/** The base64url identity key of the signed-in user. */
export function ownIdentityKey(ctx: ConversationContext): string {
  return toB64u(ctx.account.identityKey);
}
