/**
 * @parley/server — the Parley reference server. Embed it with {@link createServer} or run the
 * `parley-server` CLI.
 */
export { createServer } from './server.js';
export type { ParleyServer, ServerOptions } from './server.js';
export { ConfigError, configFromEnv, configSchema, parseConfig } from './config.js';
export type { ServerConfig, ServerConfigInput } from './config.js';
export { ApiError } from './http/api-error.js';
export type { Store } from './store/store.js';
export { BlobNotFoundError, createFsBlobStore } from './files/index.js';
export type { BlobStore, BlobWriter } from './files/index.js';
export { SERVER_VERSION } from './version.js';
