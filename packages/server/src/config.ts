import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_RATE_LIMITS, rateLimitsSchema } from './auth/rate-limits.js';
import type { RateLimits } from './auth/rate-limits.js';
import {
  DEFAULT_CONVERSATION_CONFIG,
  conversationConfigSchema,
} from './conversations/conversation-config.js';
import { DEFAULT_REALTIME_CONFIG, realtimeConfigSchema } from './realtime/realtime-config.js';
import { DEFAULT_FILES_CONFIG, FILES_ENV, filesConfigSchema } from './files/files-config.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();

const origin = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
    } catch {
      return false;
    }
  }, 'each origin must look like https://example.com (scheme, host and optional port; no path)');

/** The validated configuration of one server process. */
export const configSchema = z
  .object({
    /** TCP port; 0 picks a free one. Env `PORT`, flag `--port`. Default 3000. */
    port: port.default(3000),
    /** Interface to bind. Env `HOST`, flag `--host`. Default 127.0.0.1. */
    host: z.string().min(1).default('127.0.0.1'),
    /** Where SQLite, files and secrets live. Env `DATA_DIR`, flag `--data-dir`. Default ./data. */
    dataDir: z.string().min(1).default('./data'),
    /** Unset: SQLite in `dataDir`. `postgres://`: PostgreSQL (scale-out issue). */
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// (unset means SQLite in DATA_DIR)')
      .optional(),
    /** Most PostgreSQL connections this process opens. Env `DATABASE_POOL_SIZE`. Default 10. */
    databasePoolSize: positiveInt.max(1000).default(10),
    /**
     * PostgreSQL schema to use (created if missing). Env `DATABASE_SCHEMA`. Default: the
     * server's default (`public`). Lets several deployments (or test runs) share one database.
     */
    databaseSchema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case identifier (a-z, 0-9, _)')
      .optional(),
    /**
     * SQLite only: store messages on a writer thread with its own connection, so the
     * `synchronous=FULL` commit's fsync never stalls the event loop (ADR 0010). Env
     * `SQLITE_WRITER_THREAD` (true/false). Default true.
     */
    sqliteWriterThread: z.union([z.boolean(), z.stringbool()]).default(true),
    /** Unset: single node. `redis://`: cross-node fan-out (scale-out issue). */
    redisUrl: z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .optional(),
    /** Prefix of every Redis key and channel. Env `REDIS_PREFIX`. Default `parley:`. */
    redisPrefix: z
      .string()
      .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 : _ . -')
      .default('parley:'),
    /** The URL people reach this server at, for links and the API document. */
    publicUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** Sites allowed to call the API from a browser (CORS, socket origin check). */
    allowedOrigins: z.array(origin).default([]),
    /** PEM certificate and key: serve HTTPS with TLS 1.3 minimum. Both or neither. */
    tlsCert: z.string().min(1).optional(),
    tlsKey: z.string().min(1).optional(),
    logLevel: z.enum(LOG_LEVELS).default('info'),
    /** Express `trust proxy` value: set when behind a reverse proxy so client IPs are right. */
    trustProxy: z.union([z.boolean(), z.number().int().nonnegative(), z.string()]).default(false),
    /** Largest JSON request body, in bytes. */
    maxJsonBytes: positiveInt.default(512 * 1024),
    accessTokenTtlSec: positiveInt.default(15 * 60),
    refreshTokenTtlSec: positiveInt.default(30 * 24 * 60 * 60),
    /** argon2id over the (already stretched, 256-bit) authKey. */
    authHash: z
      .object({ memoryKiB: z.number().int().min(1024), timeCost: z.number().int().min(1) })
      .default({ memoryKiB: 19_456, timeCost: 2 }),
    jwtIssuer: z.string().min(1).default('parley'),
    jwtAudience: z.string().min(1).default('parley-api'),
    rateLimits: rateLimitsSchema.default(DEFAULT_RATE_LIMITS),
    /** Socket.io hub: connection caps, event size, per-user event rates, drain time. */
    realtime: realtimeConfigSchema.default(DEFAULT_REALTIME_CONFIG),
    /** Conversation and directory API: group size, key count, page size, per-user rate. */
    conversations: conversationConfigSchema.default(DEFAULT_CONVERSATION_CONFIG),
    /** File attachments: upload size, per-user quota, allowed types, cleanup grace, upload rate. */
    files: filesConfigSchema.default(() => filesConfigSchema.parse(DEFAULT_FILES_CONFIG)),
    /**
     * Keep encrypted messages for this many days, then delete them (membership entries and
     * epochs stay). Unset: keep forever. Env `RETENTION_DAYS`, flag `--retention-days`.
     */
    retentionDays: positiveInt.max(36_500).optional(),
    /** How often the retention job runs, in milliseconds. Default one hour. */
    retentionSweepMs: z
      .number()
      .int()
      .min(1000)
      .default(60 * 60 * 1000),
    /** Milliseconds to wait for requests to finish on SIGTERM before closing anyway. */
    shutdownGraceMs: z.number().int().nonnegative().default(10_000),
  })
  .refine((c) => (c.tlsCert === undefined) === (c.tlsKey === undefined), {
    message: 'TLS_CERT and TLS_KEY must be set together',
    path: ['tlsCert'],
  });

export type ServerConfig = z.output<typeof configSchema>;
export type ServerConfigInput = z.input<typeof configSchema>;
export type { RateLimits };

/** Thrown by {@link parseConfig}: `problems` names each wrong setting and why. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Maps config keys to the environment variable and flag that set them, for messages. */
export const SETTING_NAMES: Readonly<Record<string, { env: string; flag?: string }>> = {
  port: { env: 'PORT', flag: '--port' },
  host: { env: 'HOST', flag: '--host' },
  dataDir: { env: 'DATA_DIR', flag: '--data-dir' },
  databaseUrl: { env: 'DATABASE_URL', flag: '--database-url' },
  databasePoolSize: { env: 'DATABASE_POOL_SIZE' },
  databaseSchema: { env: 'DATABASE_SCHEMA' },
  sqliteWriterThread: { env: 'SQLITE_WRITER_THREAD' },
  redisUrl: { env: 'REDIS_URL', flag: '--redis-url' },
  redisPrefix: { env: 'REDIS_PREFIX' },
  publicUrl: { env: 'PUBLIC_URL', flag: '--public-url' },
  allowedOrigins: { env: 'ALLOWED_ORIGINS', flag: '--allowed-origins' },
  tlsCert: { env: 'TLS_CERT', flag: '--tls-cert' },
  tlsKey: { env: 'TLS_KEY', flag: '--tls-key' },
  logLevel: { env: 'LOG_LEVEL', flag: '--log-level' },
  retentionDays: { env: 'RETENTION_DAYS', flag: '--retention-days' },
  trustProxy: { env: 'TRUST_PROXY' },
  maxJsonBytes: { env: 'MAX_JSON_BYTES' },
  accessTokenTtlSec: { env: 'ACCESS_TOKEN_TTL_SEC' },
  refreshTokenTtlSec: { env: 'REFRESH_TOKEN_TTL_SEC' },
};

function describeKey(key: string, rest: string[] = []): string {
  if (key === 'realtime' && rest.length === 1) {
    const variable = Object.entries(REALTIME_ENV).find(([, k]) => k === rest[0])?.[0];
    if (variable) return variable;
  }
  if (key === 'files' && rest.length >= 1) {
    const variable = Object.entries(FILES_ENV).find(([, k]) => k === rest[0])?.[0];
    if (variable) return variable;
  }
  const names = SETTING_NAMES[key];
  if (!names) return key;
  return names.flag ? `${names.env} (${names.flag})` : names.env;
}

/** Validates a configuration object; throws {@link ConfigError} listing every problem. */
export function parseConfig(input: ServerConfigInput): ServerConfig {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const [head, ...rest] = issue.path.map(String);
        const special =
          head === 'realtime' || head === 'files' ? describeKey(head, rest) : undefined;
        const name =
          special !== undefined && special !== head
            ? special
            : head
              ? describeKey(head) + (rest.length ? `.${rest.join('.')}` : '')
              : 'config';
        return `${name}: ${issue.message}`;
      }),
    );
  }
  return { ...result.data, dataDir: resolve(result.data.dataDir) };
}

function parseTrustProxy(raw: string): boolean | number | string {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

/** Reads the settings the environment gives (unset and empty variables are ignored). */
export function configFromEnv(env: NodeJS.ProcessEnv): ServerConfigInput {
  const out: Record<string, unknown> = {};
  for (const [key, names] of Object.entries(SETTING_NAMES)) {
    const raw = env[names.env];
    if (raw === undefined || raw === '') continue;
    if (key === 'allowedOrigins')
      out[key] = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (key === 'trustProxy') out[key] = parseTrustProxy(raw);
    else out[key] = raw;
  }
  const realtime: Record<string, number> = {};
  for (const [variable, key] of Object.entries(REALTIME_ENV)) {
    const raw = env[variable];
    if (raw !== undefined && raw !== '') realtime[key] = Number(raw);
  }
  if (Object.keys(realtime).length > 0) out.realtime = realtime;
  const files: Record<string, unknown> = {};
  for (const [variable, key] of Object.entries(FILES_ENV)) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    files[key] =
      key === 'allowedTypes'
        ? raw
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : Number(raw);
  }
  if (Object.keys(files).length > 0) out.files = files;
  return out as ServerConfigInput;
}

/** Environment variables for the realtime limits operators tune most. */
export const REALTIME_ENV: Readonly<Record<string, string>> = {
  MAX_CONNECTIONS: 'maxConnections',
  MAX_CONNECTIONS_PER_USER: 'maxConnectionsPerUser',
};
