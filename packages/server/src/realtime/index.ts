/**
 * The realtime hub: Socket.io on the server's HTTP server, with authenticated handshakes,
 * an origin allowlist, connection caps, validated and rate-limited events, fan-out of the
 * conversation log, and a graceful drain.
 */
export { createRealtimeHub } from './hub.js';
export type { RealtimeHub } from './hub.js';
export { DEFAULT_REALTIME_CONFIG, realtimeConfigSchema } from './realtime-config.js';
export type { RealtimeConfig, RealtimeLimitRule } from './realtime-config.js';
export type { ParleyIo, ParleySocket, SocketData } from './socket-types.js';
