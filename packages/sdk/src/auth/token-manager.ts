import { ChatError } from '../errors.js';
import type { TokenPair } from '../protocol/auth.js';
import type { TokenSource } from '../rest/rest-client.js';
import { MAX_TIMER_DELAY_MS, systemTimers } from './timers.js';
import type { Timers } from './timers.js';

/** Options for {@link TokenManager}. */
export interface TokenManagerOptions {
  /**
   * Exchanges the current refresh token for a new pair (`POST /auth/refresh`) and persists the
   * new refresh token before resolving. Required.
   */
  refresh: (current: TokenPair) => Promise<TokenPair>;
  /** The session is over (refresh answered 401, or the refresh token expired). Required. */
  onExpired: (error: ChatError) => void;
  /** A background refresh failed but will be retried (network down, server busy). */
  onRetry?: (error: ChatError, delayMs: number) => void;
  /** Clock in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Timer functions. Default: the host's, unref'd in Node. */
  timers?: Timers;
  /**
   * Refresh this long before the access token expires, capped at half its lifetime so short
   * test tokens still refresh before expiry. Default 60 000 (1 minute).
   */
  refreshMarginMs?: number;
  /** First delay before retrying a failed background refresh; doubles up to 60 s. Default 2 000. */
  retryBaseMs?: number;
}

/** Treat a token this close to expiry as expired, to absorb clock skew and request time. */
const EXPIRY_SKEW_MS = 5_000;
const MAX_RETRY_MS = 60_000;

/**
 * Holds the access/refresh token pair of the signed-in session and keeps it fresh: a refresh
 * is scheduled shortly before the access token expires, a token found expired on use is
 * refreshed first, and concurrent refreshes (a timer and several requests at once) coalesce
 * into one request, which matters because refresh tokens rotate on every use and presenting
 * an old one revokes the whole session.
 *
 * A refresh rejected with HTTP 401 ends the session (`onExpired`); any other failure is
 * transient and retried with exponential backoff (honouring `Retry-After`).
 */
export class TokenManager implements TokenSource {
  readonly #options: Required<Omit<TokenManagerOptions, 'onRetry'>> &
    Pick<TokenManagerOptions, 'onRetry'>;
  #pair: TokenPair | null = null;
  #timer: unknown = undefined;
  #inflight: Promise<TokenPair> | null = null;
  #failures = 0;
  // Bumped by set() and clear(), so a refresh that finishes after a sign-out (or after a newer
  // pair arrived) cannot resurrect a stale session.
  #generation = 0;

  /** @param options - See {@link TokenManagerOptions}. */
  constructor(options: TokenManagerOptions) {
    this.#options = {
      now: Date.now,
      timers: systemTimers,
      refreshMarginMs: 60_000,
      retryBaseMs: 2_000,
      ...options,
    };
  }

  /** The current pair, or `null` when signed out. */
  get current(): TokenPair | null {
    return this.#pair;
  }

  /** Adopts a new pair (after login, register or refresh) and schedules its refresh. */
  set(pair: TokenPair): void {
    this.#generation++;
    this.#pair = pair;
    this.#failures = 0;
    this.#schedule(this.#refreshDelay(pair));
  }

  /** Forgets the tokens and cancels any scheduled refresh (sign-out, expiry, close). */
  clear(): void {
    this.#generation++;
    this.#pair = null;
    this.#inflight = null;
    this.#cancelTimer();
  }

  async accessToken(): Promise<string> {
    const pair = this.#requirePair();
    if (this.#options.now() < pair.accessTokenExpiresAt - EXPIRY_SKEW_MS) return pair.accessToken;
    return (await this.refresh()).accessToken;
  }

  async renewAfterRejection(rejected: string): Promise<string> {
    const pair = this.#requirePair();
    if (pair.accessToken !== rejected && !this.#inflight) return pair.accessToken;
    return (await this.refresh()).accessToken;
  }

  /**
   * Refreshes now, joining a refresh already in flight.
   *
   * @throws ChatError `unauthorized` when the session has ended (and `onExpired` has run),
   *   or the transient error of this attempt (a retry is then scheduled).
   */
  refresh(): Promise<TokenPair> {
    if (this.#inflight) return this.#inflight;
    const pair = this.#pair;
    if (!pair) return Promise.reject(new ChatError('unauthorized', 'Not signed in'));
    const generation = this.#generation;
    const attempt = this.#attempt(pair, generation).finally(() => {
      if (this.#inflight === attempt) this.#inflight = null;
    });
    this.#inflight = attempt;
    return attempt;
  }

  async #attempt(pair: TokenPair, generation: number): Promise<TokenPair> {
    if (this.#options.now() >= pair.refreshTokenExpiresAt) {
      throw this.#expire(new ChatError('unauthorized', 'The session has expired'), generation);
    }
    let next: TokenPair;
    try {
      next = await this.#options.refresh(pair);
    } catch (cause) {
      const error = ChatError.is(cause)
        ? cause
        : new ChatError('internal', 'Token refresh failed', { cause });
      if (error.status === 401) throw this.#expire(error, generation);
      if (generation === this.#generation) this.#scheduleRetry(error);
      throw error;
    }
    if (generation !== this.#generation) {
      // Signed out, or a newer pair arrived (a new login) while this one was in flight.
      if (this.#pair) return this.#pair;
      throw new ChatError('unauthorized', 'Signed out while refreshing');
    }
    this.set(next);
    return next;
  }

  #expire(error: ChatError, generation: number): ChatError {
    const expired =
      error.code === 'unauthorized'
        ? error
        : new ChatError('unauthorized', 'The session has ended', {
            cause: error,
            ...(error.status === undefined ? {} : { status: error.status }),
          });
    if (generation === this.#generation) {
      this.clear();
      this.#options.onExpired(expired);
    }
    return expired;
  }

  #scheduleRetry(error: ChatError): void {
    const backoff = Math.min(MAX_RETRY_MS, this.#options.retryBaseMs * 2 ** this.#failures);
    this.#failures++;
    const delay = Math.max(backoff, error.retryAfterMs ?? 0);
    this.#schedule(delay);
    this.#options.onRetry?.(error, delay);
  }

  #refreshDelay(pair: TokenPair): number {
    const remaining = pair.accessTokenExpiresAt - this.#options.now();
    const margin = Math.min(this.#options.refreshMarginMs, Math.max(0, remaining) / 2);
    return remaining - margin;
  }

  #schedule(delayMs: number): void {
    this.#cancelTimer();
    const delay = Math.min(MAX_TIMER_DELAY_MS, Math.max(0, delayMs));
    this.#timer = this.#options.timers.setTimeout(() => {
      this.#timer = undefined;
      // Failures are handled inside (expiry callback or retry); nobody awaits a timer.
      this.refresh().catch(() => undefined);
    }, delay);
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) this.#options.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #requirePair(): TokenPair {
    if (!this.#pair) throw new ChatError('unauthorized', 'Not signed in');
    return this.#pair;
  }
}
