import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatStore } from '../state/chat-store.js';
import { chatStoreContext } from './context.js';

/**
 * Finds the nearest {@link ChatStore} (from a `<chat-provider>` or `<chat-widget>` above the
 * host) and re-renders the host whenever its state changes.
 */
export class StoreController implements ReactiveController {
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #consumer: ContextConsumer<
    typeof chatStoreContext,
    ReactiveControllerHost & HTMLElement
  >;
  #subscribed: ChatStore | undefined;
  #off: (() => void) | undefined;
  #onChange: ((store: ChatStore) => void) | undefined;

  /**
   * @param host - The component.
   * @param onChange - Called after each state change, before the host re-renders.
   */
  constructor(host: ReactiveControllerHost & HTMLElement, onChange?: (store: ChatStore) => void) {
    this.#host = host;
    this.#onChange = onChange;
    this.#consumer = new ContextConsumer(host, {
      context: chatStoreContext,
      subscribe: true,
      callback: (store) => this.#follow(store),
    });
    host.addController(this);
  }

  /** The store, once a provider answered; `undefined` before. */
  get store(): ChatStore | undefined {
    return this.#consumer.value;
  }

  hostConnected(): void {
    if (this.#consumer.value) this.#follow(this.#consumer.value);
    // A provider defined (upgraded) after this element missed our request: ask again when
    // one announces itself with a `context-provider` event.
    else document.addEventListener('context-provider', this.#onProvider);
  }

  hostDisconnected(): void {
    document.removeEventListener('context-provider', this.#onProvider);
    this.#off?.();
    this.#off = undefined;
    this.#subscribed = undefined;
  }

  readonly #onProvider = (event: Event): void => {
    const { context } = event as Event & { context?: unknown };
    if (context !== chatStoreContext || this.#consumer.value) return;
    document.removeEventListener('context-provider', this.#onProvider);
    this.#consumer.hostConnected();
  };

  #follow(store: ChatStore | undefined): void {
    if (store === this.#subscribed && this.#off) return;
    this.#off?.();
    this.#subscribed = store;
    this.#off = store?.subscribe(() => {
      this.#onChange?.(store);
      this.#host.requestUpdate();
    });
    if (store) this.#onChange?.(store);
    this.#host.requestUpdate();
  }
}
