import { ContextProvider } from '@lit/context';
import { css, html } from 'lit';
import type { PropertyDeclarations, PropertyValues } from 'lit';
import type { ChatClient, KdfOptions } from '@parley/sdk';
import { chatStoreContext } from '../../internal/context.js';
import { ParleyElement } from '../../internal/parley-element.js';
import { storeFor } from '../../internal/store-host.js';
import type { ChatStore } from '../../state/chat-store.js';
import { baseStyles, themeStyles } from '../../styles/tokens.js';

/**
 * Holds a chat client and shares it with every Parley component inside it, so the parts
 * (`<chat-login>`, `<chat-conversation-list>`, `<chat-thread>`, `<chat-composer>`, ...) can be
 * laid out freely by the host page. Give it a `server` URL, or a `client` you made yourself.
 *
 * @slot - The components that use this chat.
 *
 * @example
 * ```html
 * <chat-provider server="https://chat.example.com" theme="auto">
 *   <chat-conversation-list></chat-conversation-list>
 *   <chat-thread></chat-thread>
 *   <chat-composer></chat-composer>
 * </chat-provider>
 * ```
 *
 * @tagname chat-provider
 */
export class ChatProvider extends ParleyElement {
  static override styles = [
    baseStyles,
    themeStyles,
    css`
      :host {
        display: contents;
      }
    `,
  ];
  static override properties: PropertyDeclarations = {
    ...ParleyElement.properties,
    server: { reflect: true },
    client: { attribute: false },
    kdf: { type: Object },
    theme: { reflect: true },
  };

  /** URL of the Parley server. */
  declare server: string;
  /** A `ChatClient` made by the page (wins over `server`). */
  declare client: ChatClient | undefined;
  /** Argon2id cost for new accounts, e.g. `{"m":19456,"t":2}`. Default: the SDK's. */
  declare kdf: KdfOptions | undefined;
  /** `light` (default), `dark` or `auto`. */
  declare theme: 'light' | 'dark' | 'auto';

  readonly #provider = new ContextProvider(this, { context: chatStoreContext });
  #store: ChatStore | null = null;

  constructor() {
    super();
    this.server = '';
    this.theme = 'light';
  }

  /** The store shared with the components inside (once `server` or `client` is set). */
  get store(): ChatStore | null {
    return this.#store;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('server') || changed.has('client') || changed.has('kdf')) {
      const next = storeFor(this, this.#store);
      if (next !== this.#store) {
        this.#store = next;
        this.#provider.setValue(next ?? undefined);
        next?.start().catch((error: unknown) => console.warn('[parley] could not start', error));
      }
    }
  }

  override render() {
    return html`<slot></slot>`;
  }
}
