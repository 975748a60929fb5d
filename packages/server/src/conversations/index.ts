/**
 * Conversations: creation (direct, one per pair; groups), the signed membership log, epochs and
 * envelopes, over REST. Messages and history live in `../messages/`, fan-out in `../realtime/`.
 */
import type { AppContext } from '../app-context.js';
import type { Api } from '../http/api.js';
import { registerConversationCrudRoutes } from './conversation-routes.js';
import { registerEpochRoutes } from './epoch-routes.js';
import { registerMemberRoutes } from './member-routes.js';

export { onLogEvents, publishLogEvents } from './log-bus.js';
export type { LogEventsListener } from './log-bus.js';
export { conversationConfigSchema, DEFAULT_CONVERSATION_CONFIG } from './conversation-config.js';
export type { ConversationConfig } from './conversation-config.js';

/**
 * Registers the conversation routes under `/api/v1`: `POST|GET /conversations`,
 * `GET /conversations/:id`, `GET /conversations/direct/:userId`,
 * `GET|POST /conversations/:id/members`, `GET|POST /conversations/:id/epochs` and
 * `GET /conversations/:id/envelopes`.
 *
 * @example
 * ```ts
 * registerConversationRoutes(api, ctx);
 * ```
 */
export function registerConversationRoutes(api: Api, ctx: AppContext): void {
  registerConversationCrudRoutes(api, ctx);
  registerMemberRoutes(api, ctx);
  registerEpochRoutes(api, ctx);
}
