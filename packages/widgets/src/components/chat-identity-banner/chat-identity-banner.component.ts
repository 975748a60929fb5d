import { css, html, nothing } from 'lit';
import type { PropertyDeclarations } from 'lit';
import type { IdentityChange } from '@parley/sdk';
import { ParleyElement } from '../../internal/parley-element.js';
import { StoreController } from '../../internal/store-controller.js';
import { baseStyles, buttonStyles } from '../../styles/tokens.js';

/**
 * Warns that a contact's security (identity) key changed: until the user accepts it, nothing
 * is encrypted to the new key. Offers to accept it or to compare safety numbers first.
 *
 * @event chat-request-safety-number - The user wants to compare safety numbers;
 *   `detail.userId`.
 *
 * @csspart banner - One warning.
 * @csspart accept - Its accept button.
 * @csspart compare - Its compare button.
 *
 * @tagname chat-identity-banner
 */
export class ChatIdentityBanner extends ParleyElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    css`
      :host {
        display: block;
      }
      .banner {
        display: flex;
        flex-wrap: wrap;
        gap: var(--_spacing);
        align-items: center;
        padding: var(--_spacing);
        background: var(--_color-warning-surface);
        color: var(--_color-on-warning);
        border-bottom: 1px solid var(--_color-border);
      }
      .banner p {
        flex: 1 1 14em;
        margin: 0;
      }
      .button.secondary {
        color: inherit;
      }
    `,
  ];
  static override properties: PropertyDeclarations = {
    ...ParleyElement.properties,
    changes: { attribute: false },
  };

  /** The changes to show. Default: the provider's pending ones. */
  declare changes: readonly IdentityChange[] | undefined;

  readonly #chat = new StoreController(this);

  override render() {
    const store = this.#chat.store;
    const changes = this.changes ?? store?.state.identityChanges ?? [];
    if (changes.length === 0) return nothing;
    return html`${changes.map((change) => {
      const name = change.username ?? store?.nameOf(change.userId) ?? this.t('unknownUser');
      return html`<div part="banner" class="banner" role="alert">
        <p>${this.t('identityChanged', { name })}</p>
        <button
          part="compare"
          class="button secondary"
          type="button"
          @click=${() => this.emit('chat-request-safety-number', { userId: change.userId })}
        >
          ${this.t('compareSafetyNumber')}
        </button>
        <button
          part="accept"
          class="button"
          type="button"
          @click=${() => this.#accept(change.userId)}
        >
          ${this.t('acceptKey')}
        </button>
      </div>`;
    })}`;
  }

  async #accept(userId: string): Promise<void> {
    try {
      await this.#chat.store?.acceptIdentity(userId);
    } catch (error) {
      console.warn('[parley] could not accept the new key', error);
    }
  }
}
