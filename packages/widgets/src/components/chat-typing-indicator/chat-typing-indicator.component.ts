import { css, html, nothing } from 'lit';
import type { PropertyDeclarations } from 'lit';
import { ParleyElement } from '../../internal/parley-element.js';
import { baseStyles } from '../../styles/tokens.js';

/**
 * "Alice is typing…": renders the names it is given (nothing when empty). `<chat-thread>`
 * fills it from the store; hosts with their own typing source can set `names` directly.
 *
 * @csspart indicator - The text.
 * @csspart dots - The animated dots (hidden under reduced motion).
 *
 * @tagname chat-typing-indicator
 */
export class ChatTypingIndicator extends ParleyElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        min-height: 1.4em;
        font-size: 0.85em;
        color: var(--_color-text-muted);
        padding-inline: var(--_spacing);
      }
      .dots::after {
        content: '…';
        display: inline-block;
        animation: pulse 1.2s ease-in-out infinite;
      }
      @keyframes pulse {
        50% {
          opacity: 0.3;
        }
      }
    `,
  ];
  static override properties: PropertyDeclarations = {
    ...ParleyElement.properties,
    names: { attribute: false },
  };

  /** Display names of the people typing. Default: none. */
  declare names: readonly string[];

  constructor() {
    super();
    this.names = [];
  }

  override render() {
    const [a, b] = this.names;
    if (a === undefined) return html`<span aria-live="polite"></span>`;
    let text: string;
    if (this.names.length === 1) text = this.t('typingOne', { name: a });
    else if (this.names.length === 2) text = this.t('typingTwo', { a, b: b ?? '' });
    else text = this.t('typingMany');
    return html`<span part="indicator" aria-live="polite"
        >${text.replace(/…$/, '')}<span part="dots" class="dots" aria-hidden="true"></span></span
      >${nothing}`;
  }
}
