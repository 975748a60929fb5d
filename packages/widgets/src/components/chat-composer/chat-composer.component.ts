import { css, html, nothing } from 'lit';
import type { PropertyDeclarations, PropertyValues } from 'lit';
import type { Conversation } from '@parley/sdk';
import { errorCode } from '../../internal/error-code.js';
import { ParleyElement } from '../../internal/parley-element.js';
import { StoreController } from '../../internal/store-controller.js';
import { baseStyles, buttonStyles } from '../../styles/tokens.js';

/**
 * Writes and sends messages: Enter sends, Shift+Enter starts a new line. The draft is kept
 * per conversation. While offline, messages are queued by the SDK's persistent outbox and sent
 * on reconnect (even after a reload). Follows the provider's open conversation unless
 * `conversation-id` is set.
 *
 * @event chat-request-send - Before sending; cancel it to keep the text and send nothing.
 * @event chat-message-sent - The server stored the message; `detail.message`.
 *
 * @csspart form - The form.
 * @csspart input - The text area.
 * @csspart send - The send button.
 * @csspart offline - The note shown while offline.
 * @csspart error - The error shown when a message is refused.
 *
 * @cssproperty --composer-max-height - Tallest the text area grows. Default `10em`.
 *
 * @tagname chat-composer
 */
export class ChatComposer extends ParleyElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    css`
      :host {
        display: block;
        background: var(--_color-surface);
        border-top: 1px solid var(--_color-border);
        --composer-max-height: 10em;
      }
      form {
        display: flex;
        gap: var(--_spacing);
        align-items: flex-end;
        padding: var(--_spacing);
      }
      textarea {
        flex: 1;
        min-width: 0;
        min-height: 40px;
        max-height: var(--composer-max-height);
        field-sizing: content;
        resize: none;
        font: inherit;
        padding: 8px 12px;
        border-radius: 20px;
        border: 1px solid var(--_color-border);
        background: var(--_color-surface);
        color: var(--_color-text);
      }
      .note {
        margin: 0;
        padding: 0 var(--_spacing) var(--_spacing);
        font-size: 0.85em;
        color: var(--_color-text-muted);
      }
      .error {
        color: var(--_color-danger);
        font-weight: 600;
      }
    `,
  ];
  static override properties: PropertyDeclarations = {
    ...ParleyElement.properties,
    conversationId: { attribute: 'conversation-id', reflect: true },
    error: { state: true },
  };

  /** The conversation to write to. Default: the provider's open conversation. */
  declare conversationId: string | undefined;
  declare private error: string;

  readonly #chat = new StoreController(this);
  #shownFor: string | undefined;

  constructor() {
    super();
    this.error = '';
  }

  /** The conversation messages go to, if any. */
  get targetId(): string | undefined {
    return this.conversationId ?? this.#chat.store?.state.activeId ?? undefined;
  }

  protected override updated(_changed: PropertyValues<this>): void {
    const id = this.targetId;
    if (id === this.#shownFor) return;
    this.#shownFor = id;
    const input = this.#input();
    if (input) input.value = id ? (this.#chat.store?.draft(id) ?? '') : '';
    this.error = '';
  }

  override render() {
    const store = this.#chat.store;
    const disabled = !store || !this.targetId;
    const offline =
      store !== undefined &&
      store.state.session === 'signed-in' &&
      store.state.connection !== 'online';
    return html`<form part="form" @submit=${this.#submit}>
        <label class="visually-hidden" for="input">${this.t('messageLabel')}</label>
        <textarea
          part="input"
          id="input"
          rows="1"
          maxlength="16000"
          placeholder=${this.t('placeholder')}
          ?disabled=${disabled}
          @keydown=${this.#keydown}
          @input=${this.#input_}
        ></textarea>
        <button part="send" class="button" type="submit" ?disabled=${disabled}>
          ${this.t('send')}
        </button>
      </form>
      ${
        this.error
          ? html`<p part="error" class="note error" role="alert">${this.error}</p>`
          : offline
            ? html`<p part="offline" class="note" role="status">${this.t('queuedOffline')}</p>`
            : nothing
      }`;
  }

  /** Sends the text in the box (what Enter does). */
  async send(): Promise<void> {
    const input = this.#input();
    const id = this.targetId;
    const store = this.#chat.store;
    const text = input?.value.trim() ?? '';
    if (!input || !id || !store || !text) return;
    if (!this.emit('chat-request-send', { conversationId: id, text })) return;
    input.value = '';
    store.setDraft(id, '');
    store.conversation(id)?.setTyping(false);
    this.error = '';
    try {
      const conversation: Conversation =
        store.conversation(id) ?? (await store.client.conversations.get(id));
      const message = await conversation.send(text);
      this.emit('chat-message-sent', { conversationId: id, message });
    } catch (error) {
      const code = errorCode(error);
      this.error = this.t('sendFailed', { code });
    }
  }

  #input(): HTMLTextAreaElement | null {
    return this.renderRoot?.querySelector?.('textarea') ?? null;
  }

  #input_(): void {
    const id = this.targetId;
    const store = this.#chat.store;
    if (!id || !store) return;
    const text = this.#input()?.value ?? '';
    store.setDraft(id, text);
    // The SDK throttles these; an empty box ends the indicator at once.
    store.conversation(id)?.setTyping(text.length > 0);
  }

  #keydown(event: KeyboardEvent): void {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    void this.send();
  }

  #submit(event: SubmitEvent): void {
    event.preventDefault();
    void this.send();
    this.#input()?.focus();
  }
}
