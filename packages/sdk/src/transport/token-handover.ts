import type { Timers } from '../auth/timers.js';
import { ChatError } from '../errors.js';

/** Where the connection gets access tokens; implemented over the client's token manager. */
export interface ConnectionTokens {
  /** A current access token, refreshed first when it has expired. */
  accessToken(): Promise<string>;
  /**
   * Refreshes now (joining a refresh in flight). Rejects with a 401 `ChatError` once the session
   * has ended, after which the session layer signs the client out.
   */
  refresh(): Promise<string>;
  /** Expiry of the current access token in epoch ms, or `null` when signed out. */
  expiresAt(): number | null;
}

/** Options of {@link TokenHandover}; all required. */
export interface TokenHandoverOptions {
  tokens: ConnectionTokens;
  timers: Timers;
  now: () => number;
  /** Hand over this long before expiry, capped at a quarter of the remaining lifetime. */
  marginMs: number;
  /** Sends `auth:refresh` with `token`; rejects when the server refuses it. */
  send: (token: string) => Promise<void>;
  onError: (error: ChatError) => void;
}

/**
 * Gives a live socket a fresh access token shortly before the one it connected with expires
 * (`auth:refresh`), so a long-lived connection is never cut for expiry. If the hand-over fails,
 * nothing breaks: the server ends the connection at expiry with `token_expired`, and the
 * connection refreshes and reconnects.
 */
export class TokenHandover {
  readonly #o: TokenHandoverOptions;
  #timer: unknown = undefined;
  #token: string | null = null;
  // Bumped by start() and stop(), so a hand-over in flight for an old socket does nothing.
  #generation = 0;

  constructor(options: TokenHandoverOptions) {
    this.#o = options;
  }

  /** A socket connected with `token`: schedule its first hand-over. */
  start(token: string): void {
    this.#generation++;
    this.#token = token;
    this.#schedule(this.#generation);
  }

  /** The socket is gone: cancel. */
  stop(): void {
    this.#generation++;
    this.#token = null;
    this.#o.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(generation: number): void {
    this.#o.timers.clearTimeout(this.#timer);
    const expiresAt = this.#o.tokens.expiresAt();
    if (expiresAt === null) return;
    const remaining = expiresAt - this.#o.now();
    const margin = Math.min(this.#o.marginMs, Math.max(0, remaining) / 4);
    this.#timer = this.#o.timers.setTimeout(
      () => void this.#handOver(generation),
      Math.max(0, remaining - margin),
    );
  }

  async #handOver(generation: number): Promise<void> {
    this.#timer = undefined;
    if (generation !== this.#generation) return;
    try {
      // Usually the token manager has refreshed already (it refreshes earlier); if not, ask.
      let token = await this.#o.tokens.accessToken();
      if (token === this.#token) token = await this.#o.tokens.refresh();
      if (generation !== this.#generation) return;
      await this.#o.send(token);
      if (generation !== this.#generation) return;
      this.#token = token;
      this.#schedule(generation);
    } catch (error) {
      if (generation === this.#generation && ChatError.is(error)) this.#o.onError(error);
    }
  }
}
