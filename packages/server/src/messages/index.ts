/**
 * Messages: the socket send path with group commit, `sync` after (re)connect, and history
 * pages over REST. Messages are stored in the conversation's one ordered log.
 */
export { registerHistoryRoutes } from './history-routes.js';
export { createSendPipeline } from './send-pipeline.js';
export type { SendPipeline, SendPipelineOptions } from './send-pipeline.js';
export { syncForUser } from './sync.js';
export { createWriteBatcher } from './write-batcher.js';
export type { WriteBatcher, WriteBatcherOptions } from './write-batcher.js';
