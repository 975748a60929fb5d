import type { Timers } from '../auth/timers.js';

/** Options of {@link TypingThrottle}. */
export interface TypingThrottleOptions {
  /** Sends one indicator to the server. */
  send: (conversationId: string, typing: boolean) => void;
  timers: Timers;
  now: () => number;
  /** Least time between two `typing: true` of one conversation. Default 2500 ms. */
  intervalMs?: number;
  /** Without another call, the local side considers typing over after this. Default 5000. */
  idleMs?: number;
}

interface Active {
  sentAt: number;
  idle: unknown;
}

/**
 * Client-side throttle of typing indicators: call {@link typing} on every keystroke; the
 * server hears `true` at most every `intervalMs` per conversation (it expires indicators
 * itself a few seconds after the last one), and `false` once when the user stops, sends, or
 * goes idle for `idleMs`.
 */
export class TypingThrottle {
  readonly #o: Required<TypingThrottleOptions>;
  readonly #active = new Map<string, Active>();

  constructor(options: TypingThrottleOptions) {
    this.#o = { intervalMs: 2500, idleMs: 5000, ...options };
  }

  /** The user typed (`true`) or stopped, cleared the box or sent (`false`). */
  typing(conversationId: string, typing: boolean): void {
    const active = this.#active.get(conversationId);
    if (!typing) {
      if (!active) return;
      this.#o.timers.clearTimeout(active.idle);
      this.#active.delete(conversationId);
      this.#o.send(conversationId, false);
      return;
    }
    const now = this.#o.now();
    const idle = this.#o.timers.setTimeout(
      () => this.typing(conversationId, false),
      this.#o.idleMs,
    );
    if (active) {
      this.#o.timers.clearTimeout(active.idle);
      active.idle = idle;
      if (now - active.sentAt < this.#o.intervalMs) return;
      active.sentAt = now;
    } else {
      this.#active.set(conversationId, { sentAt: now, idle });
    }
    this.#o.send(conversationId, true);
  }

  /** Forgets everything without sending (sign-out). */
  stop(): void {
    for (const active of this.#active.values()) this.#o.timers.clearTimeout(active.idle);
    this.#active.clear();
  }
}
