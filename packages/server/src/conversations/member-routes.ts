import {
  appendMemberEntryRequest,
  conversationIdParam,
  memberEntriesQuery,
  memberEntryList,
  memberEvent,
} from '@parley/sdk/protocol';
import type { MembershipEntryWire } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import { encodeB64u } from '../auth/encoding.js';
import { requireCaller } from '../auth/caller.js';
import { ApiError } from '../http/api-error.js';
import type { Api } from '../http/api.js';
import { loadForMember, noSuchConversation } from './access.js';
import { toNewEntry } from './create-conversation.js';
import { toLogEvent } from './event-view.js';
import { publishLogEvents } from './log-bus.js';
import { checkEntry, membershipView } from './membership-rules.js';
import { apiLimiter } from './user-limiter.js';

/**
 * Registers the signed membership log: `GET /conversations/:id/members?after=&limit=` and
 * `POST /conversations/:id/members` (append one entry, compare-and-set on its `seq`).
 */
export function registerMemberRoutes(api: Api, ctx: AppContext): void {
  const limiter = apiLimiter(ctx);

  api.route(
    {
      method: 'get',
      path: '/conversations/:id/members',
      summary: 'The signed membership log, entries with entry seq greater than `after`',
      tags: ['conversations'],
      auth: true,
      params: conversationIdParam,
      query: memberEntriesQuery,
      response: { status: 200, schema: memberEntryList },
      errors: ['not_found', 'rate_limited'],
    },
    async ({ params, query, auth }) => {
      const { userId } = requireCaller(auth);
      await limiter.consume(userId);
      await loadForMember(ctx, params.id, userId);
      const page = await ctx.store.listMemberEntries(params.id, query.after, query.limit);
      const entries = page.events.map((e) => {
        const event = toLogEvent(e);
        if (event.kind !== 'member') throw new Error('non-member event in the membership log');
        return { ...event.entry, logSeq: event.seq, ts: event.ts };
      });
      return { entries, hasMore: page.hasMore };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/conversations/:id/members',
      summary:
        'Append one signed membership entry (add, remove, leave, promote, demote); 409 when its seq no longer follows the log',
      tags: ['conversations'],
      auth: true,
      params: conversationIdParam,
      body: appendMemberEntryRequest,
      response: { status: 201, schema: memberEvent },
      errors: ['forbidden', 'not_found', 'conflict', 'rate_limited'],
    },
    async ({ params, body, auth, ip }) => {
      const { userId } = requireCaller(auth);
      await limiter.consume(userId);
      const conversation = await loadForMember(ctx, params.id, userId);
      const view = membershipView(conversation, ctx.config.conversations.maxGroupMembers);
      const targetDirectoryIk = await directoryIkFor(ctx, body.entry);
      const change = checkEntry(view, body.entry, {
        caller: userId,
        targetDirectoryIk,
        field: 'body.entry',
      });
      const result = await ctx.store.appendMemberEntry({
        convId: conversation.id,
        expectedMemberSeq: conversation.memberSeq,
        entry: toNewEntry(body, change, userId, 'body.sig'),
        now: ctx.now(),
      });
      if (result.status === 'not_found') throw noSuchConversation();
      if (result.status === 'conflict') {
        throw new ApiError('conflict', `The membership log is at seq ${result.memberSeq}`);
      }
      const event = toLogEvent(result.event);
      publishLogEvents(ctx, [event]);
      ctx.audit.write({
        event: `membership.${body.entry.op}`,
        userId,
        conversationId: conversation.id,
        target: body.entry.target,
        ip,
      });
      return event;
    },
  );
}

async function directoryIkFor(
  ctx: AppContext,
  entry: MembershipEntryWire,
): Promise<string | undefined> {
  if (entry.op !== 'add') return undefined;
  const user = await ctx.store.findUserById(entry.target);
  return user && encodeB64u(user.identityKey);
}
