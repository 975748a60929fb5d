import type { AppContext } from '../app-context.js';
import { ApiError } from '../http/api-error.js';
import type { ConversationRecord } from '../store/conversation-store.js';

/**
 * The error for a conversation the caller may not see. Non-members (including removed members
 * and people who left) get the same answer as for an id that does not exist, so conversation
 * ids cannot be probed.
 */
export function noSuchConversation(): ApiError {
  return new ApiError('not_found', 'No such conversation');
}

/**
 * Loads a conversation for one of its current members.
 * @throws {ApiError} `not_found` when it does not exist or `userId` is not a member.
 */
export async function loadForMember(
  ctx: AppContext,
  convId: string,
  userId: string,
): Promise<ConversationRecord> {
  const conversation = await ctx.store.findConversation(convId);
  if (!conversation || !conversation.members.some((m) => m.userId === userId)) {
    throw noSuchConversation();
  }
  return conversation;
}
