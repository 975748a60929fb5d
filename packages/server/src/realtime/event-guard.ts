import type { AckError, AckFailure } from '@parley/sdk/protocol';
import type { Logger } from 'pino';
import type { ZodType, z } from 'zod';
import type { UserLimiter } from '../conversations/user-limiter.js';
import { ApiError } from '../http/api-error.js';
import { fitsJson } from './json-size.js';
import type { ParleySocket } from './socket-types.js';

/** One client event: how to validate, limit and handle it. */
export interface EventSpec<S extends ZodType, R> {
  /** The event name, for metrics and logs. */
  name: string;
  /** Validates the payload. */
  schema: S;
  /** Per-user rate limit. */
  limiter: UserLimiter;
  /** Handles a valid payload from a socket; throw {@link ApiError} to refuse. */
  handle(socket: ParleySocket, payload: z.output<S>): Promise<R>;
}

/** An {@link EventSpec} of any payload, as the router holds them. */
export type AnyEventSpec = EventSpec<ZodType, unknown>;

/** Types a spec by its schema, and widens it for {@link createEventRouter}. */
export function defineEvent<S extends ZodType, R>(spec: EventSpec<S, R>): AnyEventSpec {
  return spec as unknown as AnyEventSpec;
}

/** What every guarded event shares. */
export interface GuardContext {
  /** Largest payload in bytes of JSON. */
  maxEventBytes: number;
  logger: Logger;
  /** Called once per answered event with the outcome (`ok` or an error code) and duration. */
  onOutcome?: (event: string, outcome: string, seconds: number) => void;
}

function invalid(field: string, message: string): ApiError {
  return new ApiError('invalid_input', field ? `${field}: ${message}` : message, {
    ...(field ? { field } : {}),
  });
}

/** Turns anything thrown by a handler into the error half of an ack. */
export function toAckError(error: unknown, logger: Logger, event: string): AckError {
  if (error instanceof ApiError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.field === undefined ? {} : { field: error.field }),
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    };
  }
  logger.error({ err: error, event }, 'socket event failed');
  return { code: 'internal', message: 'Internal server error' };
}

/** The checks and the handler of one event, in order (see {@link createEventRouter}). */
async function runGuarded(
  spec: AnyEventSpec,
  ctx: GuardContext,
  socket: ParleySocket,
  args: unknown[],
): Promise<unknown> {
  const limit = await spec.limiter.take(socket.data.userId);
  if (!limit.ok) {
    throw new ApiError('rate_limited', 'Too many events; slow down', {
      retryAfterMs: limit.retryAfterMs,
    });
  }
  if (args.length !== 1) throw invalid('', 'expected one payload and an acknowledgement');
  const payload = args[0];
  if (!fitsJson(payload, ctx.maxEventBytes)) {
    throw new ApiError('payload_too_large', `Events are limited to ${ctx.maxEventBytes} bytes`);
  }
  const parsed = spec.schema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(issue?.path.map(String).join('.') ?? '', issue?.message ?? 'invalid');
  }
  return spec.handle(socket, parsed.data);
}

/**
 * The one listener every socket gets (`socket.onAny(router)`, called with the socket as
 * `this`): it finds the event's spec and guards it so that nothing a client sends can crash the
 * server or go unanswered. The last argument must be the acknowledgement callback (events
 * without one are ignored), then the per-user rate limit, the size cap (64 KiB by default) and
 * the zod schema are applied in that order, and every outcome, including unexpected errors,
 * becomes exactly one typed acknowledgement
 * `{ ok: false, error: { code, message, field?, retryAfterMs? } }`. An event with no spec is
 * answered `not_found`.
 *
 * The rate limit comes first so that malformed floods are counted too. One router serves every
 * socket: a listener (and its closures) per socket and event cost about as much memory as the
 * rest of an idle socket's state (docs/performance.md).
 */
export function createEventRouter(
  specs: readonly AnyEventSpec[],
  ctx: GuardContext,
): (this: ParleySocket, event: string, ...args: unknown[]) => void {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  return function route(this: ParleySocket, event: string, ...args: unknown[]): void {
    const spec = byName.get(event);
    const ack = args.at(-1);
    if (!spec) {
      ctx.onOutcome?.('unknown', 'not_found', 0);
      if (typeof ack === 'function') {
        (ack as (r: AckFailure) => void)({
          ok: false,
          error: { code: 'not_found', message: 'Unknown event' },
        });
      }
      return;
    }
    if (typeof ack !== 'function') {
      ctx.onOutcome?.(spec.name, 'no_ack', 0);
      return;
    }
    const started = performance.now();
    const respond = (response: unknown, outcome: string) => {
      ctx.onOutcome?.(spec.name, outcome, (performance.now() - started) / 1000);
      try {
        (ack as (response: unknown) => void)(response);
      } catch (err) {
        ctx.logger.warn({ err, event: spec.name }, 'acknowledgement failed');
      }
    };
    runGuarded(spec, ctx, this, args.slice(0, -1)).then(
      (response) => respond(response, 'ok'),
      (error: unknown) => {
        const ackError = toAckError(error, ctx.logger, spec.name);
        respond({ ok: false, error: ackError }, ackError.code);
      },
    );
  };
}
