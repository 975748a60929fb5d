import { html, nothing } from 'lit';
import type { PropertyDeclarations, TemplateResult } from 'lit';
import type { Message } from '@parley/sdk';
import { en } from '../../i18n/en.js';
import type { StringKey } from '../../i18n/en.js';
import { linkify } from '../../internal/linkify.js';
import { ParleyElement } from '../../internal/parley-element.js';
import { formatTime } from '../../internal/time-format.js';
import { baseStyles } from '../../styles/tokens.js';
import { ChatFile } from '../chat-file/chat-file.component.js';
import { styles } from './chat-message.styles.js';

const STATUS_KEYS: Readonly<Record<string, StringKey>> = {
  pending: 'statusPending',
  sent: 'statusSent',
  delivered: 'statusDelivered',
  read: 'statusRead',
  failed: 'statusFailed',
};

const FILE_PARTS =
  'file: file-block, image: file-image, placeholder: file-placeholder, card: file-card, icon: file-icon, name: file-name, size: file-size, download: file-download, error: file-error, retry: file-retry';

/**
 * One message: its text (rendered as text only: links become clickable only for http and
 * https, with `rel="noopener noreferrer"`), time, delivery state for your own messages, and a
 * placeholder that says why a message cannot be decrypted. Attached files are shown by
 * `<chat-file>` (images inline, other files as a card with a download button); the text of a
 * message with a file is its caption.
 *
 * @event chat-message-retry - The user asked to send a failed message again.
 *
 * @csspart message - The whole message row.
 * @csspart sender - The sender's name (group conversations).
 * @csspart bubble - The bubble around the text.
 * @csspart text - The text.
 * @csspart link - A link inside the text.
 * @csspart file - Each `<chat-file>` (its inner parts are exported as `file-*`: `file-image`,
 *   `file-card`, `file-name`, `file-size`, `file-download`, `file-error`, ...).
 * @csspart undecryptable - The placeholder of a message that cannot be decrypted.
 * @csspart meta - Time and delivery state.
 * @csspart time - The time.
 * @csspart status - The delivery state.
 * @csspart retry - The retry button of a failed message.
 *
 * @cssproperty --bubble-radius - Corner radius of the bubble. Default `var(--chat-radius)`.
 * @cssproperty --bubble-max-width - Widest a bubble gets. Default `80%`.
 *
 * @tagname chat-message
 */
export class ChatMessage extends ParleyElement {
  static override dependencies = { 'chat-file': ChatFile };
  static override styles = [baseStyles, styles];
  static override properties: PropertyDeclarations = {
    ...ParleyElement.properties,
    message: { attribute: false },
    senderName: { attribute: 'sender-name' },
    mine: { type: Boolean, reflect: true },
    showSender: { type: Boolean, attribute: 'show-sender' },
    delivery: {},
  };

  /** The message to show (from the SDK). */
  declare message: Message | undefined;
  /** The sender's display name. */
  declare senderName: string;
  /** Whether the signed-in user sent it (aligned to the end, shows delivery state). */
  declare mine: boolean;
  /** Whether to show the sender's name above the bubble (groups). */
  declare showSender: boolean;
  /**
   * Delivery state of an own message from receipts (`pending`, `sent`, `delivered`, `read`,
   * `failed`); `<chat-thread>` sets it. Default: from `message.status`.
   */
  declare delivery: string | undefined;

  constructor() {
    super();
    this.senderName = '';
    this.mine = false;
    this.showSender = false;
  }

  override render() {
    const m = this.message;
    if (!m) return nothing;
    const undecryptable = m.status === 'undecryptable';
    const state = this.delivery ?? m.status;
    const status = STATUS_KEYS[state];
    return html`<div part="message" class="message" data-status=${m.status}>
      ${
        this.showSender && !this.mine
          ? html`<span part="sender" class="sender">${this.senderName}</span>`
          : html`<span class="visually-hidden"
              >${this.mine ? this.t('you') : this.senderName}:</span
            >`
      }
      <div part="bubble" class="bubble ${undecryptable ? 'undecryptable-bubble' : ''}">
        ${
          undecryptable
            ? html`<p part="undecryptable" class="undecryptable" role="note">
                ${this.t('undecryptable', { reason: this.#reason(m) })}
              </p>`
            : html`${m.attachments.map(
                (a) =>
                  html`<chat-file
                    part="file"
                    exportparts=${FILE_PARTS}
                    .attachment=${a}
                    .strings=${this.strings}
                  ></chat-file>`,
              )}${
                m.text || m.attachments.length === 0
                  ? html`<p part="text" class="text">${this.#text(m.text)}</p>`
                  : nothing
              }`
        }
      </div>
      <div part="meta" class="meta">
        <time part="time" datetime=${new Date(m.ts).toISOString()}
          >${formatTime(m.ts, this.language)}</time
        >
        ${
          this.mine && status
            ? html`<span part="status" class="status" data-status=${state}>${this.t(status)}</span>`
            : nothing
        }
        ${
          this.mine && m.status === 'failed'
            ? html`<button part="retry" class="retry" type="button" @click=${this.#retry}>
                ${this.t('retry')}
              </button>`
            : nothing
        }
      </div>
    </div>`;
  }

  #text(text: string): (string | TemplateResult)[] {
    return linkify(text).map((segment) =>
      segment.kind === 'text'
        ? segment.text
        : html`<a part="link" href=${segment.href} target="_blank" rel="noopener noreferrer"
            >${segment.text}</a
          >`,
    );
  }

  #reason(m: Message): string {
    const key = `reason_${m.reason ?? 'unknown'}`;
    return this.t(key in en ? (key as StringKey) : 'reason_unknown');
  }

  #retry(): void {
    const m = this.message;
    if (m) this.emit('chat-message-retry', { conversationId: m.conversationId, messageId: m.id });
  }
}
