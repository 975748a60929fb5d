import { z } from 'zod';
import { MAX_EVENT_BYTES } from '@parley/sdk/protocol';

const rule = z.object({
  /** Events allowed per window. */
  points: z.number().int().positive(),
  /** Window length in seconds. */
  durationSec: z.number().int().positive().max(3600),
});

/** One per-user limit: `points` events per `durationSec` seconds. */
export type RealtimeLimitRule = z.infer<typeof rule>;

/**
 * Defaults for one self-hosted server. `send` allows bursts (a client flushing its outbox
 * after a reconnect) while bounding a flood to 10 messages a second on average; the OWASP
 * WebSocket cheat sheet's "100 per minute" is a floor, not a target, for chat.
 */
export const DEFAULT_REALTIME_CONFIG = {
  maxConnections: 10_000,
  maxConnectionsPerUser: 16,
  maxEventBytes: MAX_EVENT_BYTES,
  send: { points: 100, durationSec: 10 },
  sync: { points: 60, durationSec: 10 },
  drainMs: 3000,
  tokenCheckMs: 30_000,
  extras: { points: 300, durationSec: 10 },
  typingTtlMs: 6000,
} as const;

/**
 * The Socket.io hub's settings (`realtime` in the server configuration). Every field has a
 * default, so a partial object overrides only what it names.
 */
export const realtimeConfigSchema = z.object({
  /** Open sockets allowed on this process; handshakes beyond it are refused. Default 10000. */
  maxConnections: z.number().int().positive().default(DEFAULT_REALTIME_CONFIG.maxConnections),
  /** Open sockets allowed per user (tabs, devices). Default 16. */
  maxConnectionsPerUser: z
    .number()
    .int()
    .positive()
    .default(DEFAULT_REALTIME_CONFIG.maxConnectionsPerUser),
  /**
   * Largest event payload in bytes of JSON; larger ones get a `payload_too_large` ack. The
   * transport refuses frames over twice this size by closing the connection. Default 64 KiB.
   */
  maxEventBytes: z
    .number()
    .int()
    .min(4096)
    .max(1024 * 1024)
    .default(DEFAULT_REALTIME_CONFIG.maxEventBytes),
  /** `send` events per user. Default 100 per 10 s. */
  send: rule.default(DEFAULT_REALTIME_CONFIG.send),
  /** `sync` and `auth:refresh` events per user. Default 60 per 10 s. */
  sync: rule.default(DEFAULT_REALTIME_CONFIG.sync),
  /**
   * On shutdown, sockets are disconnected in batches spread over this many milliseconds (with
   * jitter), so that clients do not all reconnect at the same instant. Default 3000.
   */
  drainMs: z.number().int().nonnegative().default(DEFAULT_REALTIME_CONFIG.drainMs),
  /**
   * How often open sockets are checked for an expired access token, in milliseconds; an
   * expired one gets `session:ended` and is disconnected. Default 30000.
   */
  tokenCheckMs: z.number().int().min(10).default(DEFAULT_REALTIME_CONFIG.tokenCheckMs),
  /**
   * Presence, typing, receipt and settings events per user (one shared budget). Default 300
   * per 10 s: clients throttle typing and batch receipts, so this only stops floods.
   */
  extras: rule.default(DEFAULT_REALTIME_CONFIG.extras),
  /**
   * A `typing: true` ends by itself this many milliseconds after the last one (clients refresh
   * it while the user types). Default 6000.
   */
  typingTtlMs: z.number().int().min(10).max(60_000).default(DEFAULT_REALTIME_CONFIG.typingTtlMs),
});

/** The realtime settings. */
export type RealtimeConfig = z.output<typeof realtimeConfigSchema>;
