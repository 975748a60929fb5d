import {
  conversationIdParam,
  conversationList,
  conversationSummary,
  createConversationRequest,
  directPeerParam,
} from '@parley/sdk/protocol';
import type { ConversationSummary } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import { loadCaller, requireCaller } from '../auth/caller.js';
import type { Api } from '../http/api.js';
import { directPairKey } from '../store/conversation-store.js';
import { loadForMember, noSuchConversation } from './access.js';
import { createConversation } from './create-conversation.js';
import { toLogEvent, toSummary } from './event-view.js';
import { publishLogEvents } from './log-bus.js';
import { apiLimiter } from './user-limiter.js';
import type { CursorState } from '../store/receipt-store.js';

/** Adds the caller's unread count and read cursor to a summary. */
function withUnread(summary: ConversationSummary, cursor: CursorState | undefined) {
  return cursor ? { ...summary, unreadCount: cursor.unread, readSeq: cursor.readSeq } : summary;
}

/**
 * Registers `POST /conversations`, `GET /conversations`, `GET /conversations/:id` and
 * `GET /conversations/direct/:userId`.
 */
export function registerConversationCrudRoutes(api: Api, ctx: AppContext): void {
  const limiter = apiLimiter(ctx);

  api.route(
    {
      method: 'post',
      path: '/conversations',
      summary:
        'Create a direct conversation or a group from the start of its signed membership log',
      tags: ['conversations'],
      auth: true,
      body: createConversationRequest,
      response: { status: 201, schema: conversationSummary },
      errors: ['forbidden', 'not_found', 'conflict', 'rate_limited'],
    },
    async ({ body, auth }) => {
      await limiter.consume(requireCaller(auth).userId);
      const caller = await loadCaller(ctx, auth);
      const { conversation, events } = await createConversation(ctx, caller, body);
      publishLogEvents(ctx, events.map(toLogEvent));
      ctx.audit.write({
        event: 'conversation.created',
        userId: caller.id,
        conversationId: conversation.id,
        kind: conversation.kind,
        members: conversation.members.length,
      });
      return toSummary(conversation);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/conversations',
      summary: "The caller's conversations, most recently active first",
      tags: ['conversations'],
      auth: true,
      response: { status: 200, schema: conversationList },
      errors: ['rate_limited'],
    },
    async ({ auth }) => {
      const { userId } = requireCaller(auth);
      await limiter.consume(userId);
      const [conversations, cursors] = await Promise.all([
        ctx.store.listConversations(userId),
        ctx.store.listUnread(userId),
      ]);
      const byConv = new Map(cursors.map((c) => [c.convId, c]));
      let unreadTotal = 0;
      const summaries = conversations.map((c) => {
        const cursor = byConv.get(c.id);
        unreadTotal += cursor?.unread ?? 0;
        return withUnread(toSummary(c), cursor);
      });
      return { conversations: summaries, unreadTotal };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/conversations/direct/:userId',
      summary: 'The direct conversation between the caller and another user',
      tags: ['conversations'],
      auth: true,
      params: directPeerParam,
      response: { status: 200, schema: conversationSummary },
      errors: ['not_found', 'rate_limited'],
    },
    async ({ params, auth }) => {
      const { userId } = requireCaller(auth);
      await limiter.consume(userId);
      const conversation = await ctx.store.findDirectConversation(
        directPairKey(userId, params.userId),
      );
      // The pair stays reserved after one of them left, but only a member may see it.
      if (!conversation || !conversation.members.some((m) => m.userId === userId)) {
        throw noSuchConversation();
      }
      return toSummary(conversation);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/conversations/:id',
      summary: 'One conversation of the caller',
      tags: ['conversations'],
      auth: true,
      params: conversationIdParam,
      response: { status: 200, schema: conversationSummary },
      errors: ['not_found', 'rate_limited'],
    },
    async ({ params, auth }) => {
      const { userId } = requireCaller(auth);
      await limiter.consume(userId);
      const conversation = await loadForMember(ctx, params.id, userId);
      const cursors = await ctx.store.listConversationCursors(params.id);
      return withUnread(
        toSummary(conversation),
        cursors.find((c) => c.userId === userId),
      );
    },
  );
}
