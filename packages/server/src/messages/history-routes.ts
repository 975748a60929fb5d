import { conversationIdParam, eventPage, eventsQuery } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import { requireCaller } from '../auth/caller.js';
import { loadForMember } from '../conversations/access.js';
import { toLogEvent } from '../conversations/event-view.js';
import { apiLimiter } from '../conversations/user-limiter.js';
import type { Api } from '../http/api.js';
import { trimToBudget } from './page-budget.js';

/**
 * Registers `GET /conversations/:id/events?after=&before=&limit=`: the conversation's log,
 * paged in both directions (DESIGN §4). Pages are ascending; `hasMore` tells whether more events
 * exist in the direction paged (after the page with `after`, before it otherwise);
 * `historyStart` where the log is complete from (holes below it were left by retention).
 */
export function registerHistoryRoutes(api: Api, ctx: AppContext): void {
  const limiter = apiLimiter(ctx);
  api.route(
    {
      method: 'get',
      path: '/conversations/:id/events',
      summary: 'A page of the conversation log (messages, membership entries, epochs)',
      tags: ['messages'],
      auth: true,
      params: conversationIdParam,
      query: eventsQuery,
      response: { status: 200, schema: eventPage },
      errors: ['not_found', 'rate_limited'],
    },
    async ({ params, query, auth }) => {
      const { userId } = requireCaller(auth);
      await limiter.consume(userId);
      await loadForMember(ctx, params.id, userId);
      const page = await ctx.store.listEvents(params.id, {
        limit: query.limit,
        ...(query.after === undefined ? {} : { after: query.after }),
        ...(query.before === undefined ? {} : { before: query.before }),
      });
      const direction = query.after === undefined ? 'backward' : 'forward';
      const trimmed = trimToBudget(page.events, ctx.config.conversations.pageMaxBytes, direction);
      const historyStart = await ctx.store.getHistoryStart(params.id);
      return {
        events: trimmed.events.map(toLogEvent),
        hasMore: page.hasMore || trimmed.trimmed,
        ...(historyStart === undefined ? {} : { historyStart }),
      };
    },
  );
}
