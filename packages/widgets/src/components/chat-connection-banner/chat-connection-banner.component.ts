import { css, html, nothing } from 'lit';
import type { PropertyDeclarations } from 'lit';
import type { StringKey } from '../../i18n/en.js';
import { ParleyElement } from '../../internal/parley-element.js';
import { StoreController } from '../../internal/store-controller.js';
import type { ChatConnection } from '../../state/chat-store.js';
import { baseStyles } from '../../styles/tokens.js';

const TEXT: Readonly<Record<ChatConnection, StringKey | null>> = {
  online: null,
  connecting: 'connecting',
  reconnecting: 'reconnecting',
  offline: 'offline',
};

/**
 * Says when the chat is offline or reconnecting (nothing while online). A polite status
 * region: screen readers hear the change without losing their place. Reads the provider's
 * connection unless `state` is set.
 *
 * @csspart banner - The banner.
 *
 * @cssproperty --banner-background - Default `var(--chat-color-warning-surface)`.
 * @cssproperty --banner-color - Default `var(--chat-color-on-warning)`.
 *
 * @tagname chat-connection-banner
 */
export class ChatConnectionBanner extends ParleyElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        --banner-background: var(--_color-warning-surface);
        --banner-color: var(--_color-on-warning);
      }
      .banner {
        margin: 0;
        padding: 6px var(--_spacing);
        background: var(--banner-background);
        color: var(--banner-color);
        font-size: 0.85em;
        text-align: center;
      }
    `,
  ];
  static override properties: PropertyDeclarations = {
    ...ParleyElement.properties,
    state: { reflect: true },
  };

  /** Forces a state (for hosts with their own source, and for stories). Default: the provider's. */
  declare state: ChatConnection | undefined;

  readonly #chat = new StoreController(this);

  override render() {
    const store = this.#chat.store;
    const signedIn = store?.state.session === 'signed-in';
    const state = this.state ?? (signedIn ? store?.state.connection : 'online') ?? 'online';
    const key = TEXT[state];
    return html`<div role="status">
      ${key ? html`<p part="banner" class="banner" data-state=${state}>${this.t(key)}</p>` : nothing}
    </div>`;
  }
}
