import {
  conversationIdParam,
  createEpochRequest,
  envelopeList,
  envelopesQuery,
  epochEvent,
  epochList,
} from '@parley/sdk/protocol';
import type { EpochRecordWire } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import { requireCaller } from '../auth/caller.js';
import { encodeB64u } from '../auth/encoding.js';
import { ApiError } from '../http/api-error.js';
import type { Api } from '../http/api.js';
import { loadForMember, noSuchConversation } from './access.js';
import { checkNewEpoch } from './epoch-rules.js';
import { toLogEvent } from './event-view.js';
import { publishLogEvents } from './log-bus.js';
import { apiLimiter } from './user-limiter.js';

/**
 * Registers epochs and envelopes: `GET /conversations/:id/epochs`,
 * `POST /conversations/:id/epochs` (compare-and-set on the current epoch) and
 * `GET /conversations/:id/envelopes?epochId=` (only the caller's own envelopes).
 */
export function registerEpochRoutes(api: Api, ctx: AppContext): void {
  const limiter = apiLimiter(ctx);

  api.route(
    {
      method: 'get',
      path: '/conversations/:id/epochs',
      summary: 'Every signed epoch record of the conversation, oldest first, with message counts',
      tags: ['epochs'],
      auth: true,
      params: conversationIdParam,
      response: { status: 200, schema: epochList },
      errors: ['not_found', 'rate_limited'],
    },
    async ({ params, auth }) => {
      const { userId } = requireCaller(auth);
      await limiter.consume(userId);
      await loadForMember(ctx, params.id, userId);
      const epochs = await ctx.store.listEpochs(params.id);
      return {
        epochs: epochs.map((e) => ({
          record: JSON.parse(e.data) as EpochRecordWire,
          sig: encodeB64u(e.sig),
          seq: e.seq,
          ts: e.ts,
          messageCount: e.messageCount,
        })),
      };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/conversations/:id/epochs',
      summary:
        'Start a new epoch: the signed record and one envelope per member; 409 when another epoch or membership change won',
      tags: ['epochs'],
      auth: true,
      params: conversationIdParam,
      body: createEpochRequest,
      response: { status: 201, schema: epochEvent },
      errors: ['forbidden', 'not_found', 'conflict', 'rate_limited'],
    },
    async ({ params, body, auth }) => {
      const { userId } = requireCaller(auth);
      await limiter.consume(userId);
      const conversation = await loadForMember(ctx, params.id, userId);
      const epoch = await checkNewEpoch(ctx, conversation, userId, body);
      const result = await ctx.store.appendEpoch(epoch);
      if (result.status === 'not_found') throw noSuchConversation();
      if (result.status === 'conflict') {
        throw new ApiError(
          'conflict',
          `Another epoch or membership change won: the current epoch is ${result.currentEpochId ?? 'none'}, the membership log is at seq ${result.memberSeq}`,
        );
      }
      const event = toLogEvent(result.event);
      publishLogEvents(ctx, [event]);
      return event;
    },
  );

  api.route(
    {
      method: 'get',
      path: '/conversations/:id/envelopes',
      summary: "The caller's own epoch-key envelopes in the conversation (never another member's)",
      tags: ['epochs'],
      auth: true,
      params: conversationIdParam,
      query: envelopesQuery,
      response: { status: 200, schema: envelopeList },
      errors: ['not_found', 'rate_limited'],
    },
    async ({ params, query, auth }) => {
      const { userId } = requireCaller(auth);
      await limiter.consume(userId);
      await loadForMember(ctx, params.id, userId);
      const envelopes = await ctx.store.listEnvelopes(params.id, userId, query.epochId);
      return {
        envelopes: envelopes.map((e) => ({
          epochId: e.epochId,
          user: e.recipient,
          kaId: encodeB64u(e.kaId),
          enc: encodeB64u(e.enc),
          ct: encodeB64u(e.ct),
        })),
      };
    },
  );
}
