import { isCryptoError } from '../crypto/errors.js';
import { buildMembershipEntry } from '../crypto/membership-log.js';
import type { MembershipChange, MembershipState } from '../crypto/membership-log.js';
import type { ConversationSettings, SignedMembershipEntry } from '../crypto/membership-entry.js';
import { ChatError } from '../errors.js';
import { memberEvent } from '../protocol/conversations.js';
import type { MemberEvent } from '../protocol/conversations.js';
import { conversationPath } from './context.js';
import type { ConversationContext } from './context.js';
import type { ConversationState } from './conversation-state.js';
import { ownIdentityKey } from './epoch-rotation.js';

/** Rounds of compare-and-set before giving up. */
const MAX_ROUNDS = 5;

/** A membership operation on an existing conversation. */
export type MembershipAction =
  | { readonly op: 'add'; readonly target: string }
  | { readonly op: 'remove'; readonly target: string }
  | { readonly op: 'leave' };

/**
 * Signs and appends one membership entry (crypto.md §7.6). The server takes it by
 * compare-and-set on the entry's `seq`; on a 409 the rest of the log is fetched, replayed and
 * verified, and the entry is rebuilt on top of it if it is still valid (adding someone another
 * admin already added is then a no-op; removing someone already gone as well).
 *
 * The next message after the change rotates the epoch, so a removed member never gets its key.
 *
 * @throws ChatError `forbidden` (not an admin, or the new member's identity changed),
 *   `invalid_input` (not a member, already a member), `conflict` after too many lost races.
 */
export async function changeMembership(
  ctx: ConversationContext,
  state: ConversationState,
  action: MembershipAction,
): Promise<void> {
  await state.ensureReady();
  const targetIk = action.op === 'add' ? await trustedIdentityKey(ctx, action.target) : undefined;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const log = state.requireLog();
    if (round > 0) await log.catchUp();
    const change = toChange(ctx, log.current, action, targetIk);
    if (change === null) return;
    const signed = await sign(ctx, log.current, state.id, change);
    let event: MemberEvent;
    try {
      event = await ctx.rest.request('POST', conversationPath(state.id, '/members'), {
        body: signed,
        schema: memberEvent,
      });
    } catch (error) {
      if (ChatError.is(error, 'conflict')) continue;
      throw error;
    }
    if (action.op === 'leave') {
      // No longer a member: the server now refuses this conversation's log to us.
      await state.apply([event]).catch(() => undefined);
      state.markLeft();
      return;
    }
    // The log must hold the entry before the next send decides on rotation; the event itself
    // is applied in order with the rest of the log (now, or by the next sync after a gap).
    await log.catchUp();
    await state.apply([event]);
    return;
  }
  throw new ChatError('conflict', 'The membership changed too often meanwhile; try again');
}

/** The entry to sign, or `null` when the change already happened. */
function toChange(
  ctx: ConversationContext,
  current: MembershipState,
  action: MembershipAction,
  targetIk: string | undefined,
): MembershipChange | null {
  const ts = ctx.now();
  const member = (id: string) => current.members.find((m) => m.userId === id);
  switch (action.op) {
    case 'add':
      return member(action.target)
        ? null
        : { op: 'add', target: action.target, targetIk: targetIk!, ts };
    case 'remove': {
      const found = member(action.target);
      return found ? { op: 'remove', target: found.userId, targetIk: found.ik, ts } : null;
    }
    case 'leave':
      return member(ctx.me.id)
        ? { op: 'leave', target: ctx.me.id, targetIk: ownIdentityKey(ctx), ts }
        : null;
  }
}

async function sign(
  ctx: ConversationContext,
  current: MembershipState | undefined,
  conv: string,
  change: MembershipChange,
): Promise<SignedMembershipEntry> {
  try {
    const actor = ctx.signer();
    return (await buildMembershipEntry(ctx.provider, current, conv, change, actor)).signed;
  } catch (error) {
    if (!isCryptoError(error, 'membership_invalid')) throw error;
    const code = error.message.startsWith('not_admin') ? 'forbidden' : 'invalid_input';
    throw new ChatError(code, `Membership change refused: ${error.message}`, { cause: error });
  }
}

/**
 * A user's identity key from the directory, checked against the trust store: pinned on first
 * sight; a changed key fires `identity-changed` and refuses with `forbidden`.
 */
export async function trustedIdentityKey(
  ctx: ConversationContext,
  userId: string,
): Promise<string> {
  if (userId === ctx.me.id) return ownIdentityKey(ctx);
  const keys = await ctx.directory.keys(userId);
  if (ctx.trust.observe(userId, keys.identityKey, 'directory') === 'changed') {
    throw new ChatError(
      'identity_changed',
      `The identity key of ${userId} changed; accept it (acceptIdentity) before adding them`,
    );
  }
  return keys.identityKey;
}

/**
 * The first entries of a new conversation's log, all signed by the creator: `create` (with the
 * signed settings) and one `add` per other member.
 *
 * @param members - Other members with their trusted identity keys, in order.
 */
export async function initialEntries(
  ctx: ConversationContext,
  conv: string,
  members: ReadonlyArray<{ userId: string; ik: string }>,
  settings: Partial<ConversationSettings>,
): Promise<SignedMembershipEntry[]> {
  const actor = ctx.signer();
  const ts = ctx.now();
  const create = await buildMembershipEntry(
    ctx.provider,
    undefined,
    conv,
    { op: 'create', target: ctx.me.id, targetIk: ownIdentityKey(ctx), ts, settings },
    actor,
  );
  const entries = [create.signed];
  let state = create.state;
  for (const member of members) {
    const next = await buildMembershipEntry(
      ctx.provider,
      state,
      conv,
      { op: 'add', target: member.userId, targetIk: member.ik, ts },
      actor,
    );
    entries.push(next.signed);
    state = next.state;
  }
  return entries;
}
