import type { SyncAck, SyncConversation, SyncRequest } from '@parley/sdk/protocol';
import { SYNC_PAGE } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import { toLogEvent } from '../conversations/event-view.js';
import { trimToBudget } from './page-budget.js';

/**
 * Answers `sync` (DESIGN §4 "Delivery guarantees" 3): for each of the caller's conversations
 * with events after the client's cursor (from 0 when the client has none), the next page of
 * events and whether more follow. The answer is bounded twice: `limit` events per conversation
 * and `pageMaxBytes` in total; conversations past the byte budget come back with no events and
 * `hasMore: true`, so the client simply syncs again.
 *
 * Membership is read fresh on every call: cursors of conversations the caller no longer
 * belongs to come back in `gone`, never with events.
 */
export async function syncForUser(
  ctx: AppContext,
  userId: string,
  request: SyncRequest,
): Promise<Extract<SyncAck, { ok: true }>> {
  const limit = request.limit ?? SYNC_PAGE.default;
  const heads = await ctx.store.listConversationHeads(userId);
  const member = new Map(heads.map((h) => [h.id, h.lastSeq]));
  const cursors = new Map(request.cursors.map((c) => [c.conversationId, c.afterSeq]));
  const gone = [...cursors.keys()].filter((id) => !member.has(id));
  const targets = request.onlyListed ? heads.filter((h) => cursors.has(h.id)) : heads;

  let budget = ctx.config.conversations.pageMaxBytes;
  const conversations: SyncConversation[] = [];
  for (const head of targets) {
    const after = cursors.get(head.id) ?? 0;
    if (head.lastSeq <= after) continue;
    if (budget <= 0) {
      conversations.push({
        conversationId: head.id,
        events: [],
        hasMore: true,
        lastSeq: head.lastSeq,
      });
      continue;
    }
    const page = await ctx.store.listEvents(head.id, { after, limit });
    const trimmed = trimToBudget(page.events, budget, 'forward');
    budget -= trimmed.bytes;
    // Only a cursor behind the complete part of the log needs to know where it starts.
    const historyStart = await ctx.store.getHistoryStart(head.id);
    conversations.push({
      conversationId: head.id,
      events: trimmed.events.map(toLogEvent),
      hasMore: page.hasMore || trimmed.trimmed,
      lastSeq: head.lastSeq,
      ...(historyStart !== undefined && historyStart > after + 1 ? { historyStart } : {}),
    });
  }
  return { ok: true, conversations, gone };
}
