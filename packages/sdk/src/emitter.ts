/** A function listening to one event. */
export type Listener<T> = (payload: T) => void;

/** Options for {@link Emitter}. */
export interface EmitterOptions {
  /**
   * Called when a listener throws. The emitter never lets one listener's exception stop the
   * others or escape into the code that emitted the event (often a network callback).
   * Default: `console.error`.
   */
  onListenerError?: (error: unknown, event: string) => void;
}

/**
 * A small, dependency-free, typed event emitter. `Events` maps each event name to its payload
 * type, so `on('session', (state) => ...)` is checked at compile time.
 *
 * @example
 * ```ts
 * const emitter = new Emitter<{ tick: number }>();
 * const off = emitter.on('tick', (n) => console.log(n));
 * emitter.emit('tick', 1);
 * off();
 * ```
 */
export class Emitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();
  readonly #onListenerError: (error: unknown, event: string) => void;

  /** @param options - See {@link EmitterOptions}. */
  constructor(options: EmitterOptions = {}) {
    this.#onListenerError =
      options.onListenerError ??
      ((error, event) => console.error(`[parley] a listener for "${event}" threw`, error));
  }

  /**
   * Subscribes to an event.
   *
   * @param event - Event name.
   * @param listener - Called with each payload, in subscription order.
   * @returns A function that unsubscribes; calling it twice is harmless.
   */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    // Wrap so the same function subscribed twice gets two independent subscriptions.
    const entry: Listener<Events[K]> = (payload) => listener(payload);
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  /**
   * Subscribes for the next occurrence of an event only.
   *
   * @returns A function that unsubscribes before the event fires.
   */
  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const off = this.on(event, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  /**
   * Calls every listener of `event` with `payload`. Listeners added or removed during the call
   * take effect from the next emit.
   */
  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.#listeners.get(event);
    if (!set || set.size === 0) return;
    for (const listener of [...set] as Listener<Events[K]>[]) {
      try {
        listener(payload);
      } catch (error) {
        this.#reportListenerError(error, String(event));
      }
    }
  }

  /** Number of listeners currently subscribed to `event`. */
  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /** Removes every listener of every event. */
  clear(): void {
    this.#listeners.clear();
  }

  #reportListenerError(error: unknown, event: string): void {
    try {
      this.#onListenerError(error, event);
    } catch {
      // The reporter itself failed: there is nowhere left to report to, and throwing here
      // would break the other listeners, which is the one thing this class promises not to do.
    }
  }
}
