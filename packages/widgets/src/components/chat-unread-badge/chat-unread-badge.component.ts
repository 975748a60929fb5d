import { css, html, nothing } from 'lit';
import type { PropertyDeclarations } from 'lit';
import { ParleyElement } from '../../internal/parley-element.js';
import { baseStyles } from '../../styles/tokens.js';

/**
 * A count of unread messages; renders nothing at 0. Shows `99+` above 99; the full count is
 * in its accessible label.
 *
 * @csspart badge - The badge.
 *
 * @cssproperty --badge-background - Default `var(--chat-color-accent)`.
 * @cssproperty --badge-color - Default `var(--chat-color-on-accent)`.
 *
 * @tagname chat-unread-badge
 */
export class ChatUnreadBadge extends ParleyElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: inline-flex;
        --badge-background: var(--_color-accent);
        --badge-color: var(--_color-on-accent);
      }
      .badge {
        min-width: 1.5em;
        padding: 1px 6px;
        border-radius: 999px;
        background: var(--badge-background);
        color: var(--badge-color);
        font-size: 0.75em;
        font-weight: 700;
        text-align: center;
      }
    `,
  ];
  static override properties: PropertyDeclarations = {
    ...ParleyElement.properties,
    count: { type: Number, reflect: true },
  };

  /** Unread messages. Default 0 (nothing shown). */
  declare count: number;

  constructor() {
    super();
    this.count = 0;
  }

  override render() {
    if (!(this.count > 0)) return nothing;
    return html`<span part="badge" class="badge" aria-hidden="true"
        >${this.count > 99 ? '99+' : this.count}</span
      ><span class="visually-hidden">${this.t('unreadCount', { count: this.count })}</span>`;
  }
}
