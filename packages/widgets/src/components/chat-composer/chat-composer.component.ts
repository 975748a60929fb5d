import { html, nothing } from 'lit';
import type { PropertyDeclarations, PropertyValues } from 'lit';
import type { Conversation } from '@parley/sdk';
import type { StringKey } from '../../i18n/en.js';
import { errorCode } from '../../internal/error-code.js';
import { attachIcon, closeIcon } from '../../internal/icons.js';
import { ParleyElement } from '../../internal/parley-element.js';
import { carriesFiles, requestUpload } from '../../internal/request-upload.js';
import { StoreController } from '../../internal/store-controller.js';
import type { ChatStore } from '../../state/chat-store.js';
import type { Upload } from '../../state/upload-queue.js';
import { baseStyles, buttonStyles } from '../../styles/tokens.js';
import { styles } from './chat-composer.styles.js';

// Why an upload failed, in words, for the codes people can act on.
const UPLOAD_ERRORS: Readonly<Record<string, StringKey>> = {
  payload_too_large: 'uploadTooLarge',
  unsupported_media_type: 'uploadRefusedType',
  quota_exceeded: 'uploadQuota',
};

/**
 * Writes and sends messages: Enter sends, Shift+Enter starts a new line. The draft is kept
 * per conversation. While offline, messages are queued by the SDK's persistent outbox and sent
 * on reconnect (even after a reload). Follows the provider's open conversation unless
 * `conversation-id` is set.
 *
 * Files are sent with the attach button, by dropping them on the composer (or the thread), or
 * by pasting them (e.g. a screenshot) into the text area; each becomes its own message. While
 * they upload, a list shows each file's progress with a Cancel button; a failed upload stays
 * there with the reason, Retry and Remove.
 *
 * @event chat-request-send - Before sending; cancel it to keep the text and send nothing.
 * @event chat-request-upload - Files were attached, dropped or pasted; cancel it to send nothing.
 * @event chat-message-sent - The server stored the message (text or file); `detail.message`.
 *
 * @csspart form - The form.
 * @csspart attach - The attach button.
 * @csspart input - The text area.
 * @csspart send - The send button.
 * @csspart uploads - The list of files being sent.
 * @csspart upload - One file being sent (`data-status` is `uploading` or `failed`).
 * @csspart upload-name - Its name.
 * @csspart progress - Its progress bar.
 * @csspart cancel - The button that cancels its upload.
 * @csspart upload-error - Why it failed.
 * @csspart upload-retry - The button that uploads it again.
 * @csspart upload-dismiss - The button that removes a failed upload from the list.
 * @csspart offline - The note shown while offline.
 * @csspart error - The error shown when a message is refused.
 *
 * @cssproperty --composer-max-height - Tallest the text area grows. Default `10em`.
 *
 * @tagname chat-composer
 */
export class ChatComposer extends ParleyElement {
  static override styles = [baseStyles, buttonStyles, styles];
  static override properties: PropertyDeclarations = {
    ...ParleyElement.properties,
    conversationId: { attribute: 'conversation-id', reflect: true },
    error: { state: true },
  };

  /** The conversation to write to. Default: the provider's open conversation. */
  declare conversationId: string | undefined;
  declare private error: string;

  readonly #chat = new StoreController(this, (store) => this.#followUploads(store));
  #shownFor: string | undefined;
  #uploadsOf: ChatStore | undefined;
  #uploadsOff: (() => void) | undefined;

  constructor() {
    super();
    this.error = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('dragover', this.#onDragOver);
    this.addEventListener('dragleave', this.#onDragLeave);
    this.addEventListener('drop', this.#onDrop);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('dragover', this.#onDragOver);
    this.removeEventListener('dragleave', this.#onDragLeave);
    this.removeEventListener('drop', this.#onDrop);
    this.#uploadsOff?.();
    this.#uploadsOff = undefined;
    this.#uploadsOf = undefined;
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
    const uploads = store && this.targetId ? store.uploads.list(this.targetId) : [];
    return html`${this.#uploads(uploads)}
      <form part="form" @submit=${this.#submit}>
        <button
          part="attach"
          class="icon-button attach"
          type="button"
          aria-label=${this.t('attachFiles')}
          title=${this.t('attachFiles')}
          ?disabled=${disabled}
          @click=${this.#pick}
        >
          ${attachIcon}
        </button>
        <input type="file" multiple hidden tabindex="-1" @change=${this.#picked} />
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
          @paste=${this.#paste}
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

  /**
   * Sends files to the conversation (what the attach button, a drop and a paste do), each as
   * its own message; progress shows in the composer.
   *
   * @returns `false` when there is no conversation or the host vetoed it (`chat-request-upload`).
   */
  attach(files: Iterable<File>): boolean {
    return requestUpload(this, this.#chat.store, this.targetId, [...files]);
  }

  #uploads(uploads: readonly Upload[]) {
    if (uploads.length === 0) return nothing;
    return html`<ul part="uploads" class="uploads" aria-label=${this.t('uploads')}>
      ${uploads.map((u) => this.#upload(u))}
    </ul>`;
  }

  #upload(u: Upload) {
    const name = u.file.name || this.t('unnamedFile');
    const queue = this.#chat.store!.uploads;
    if (u.status === 'failed') {
      const key = UPLOAD_ERRORS[u.error ?? ''] ?? 'uploadFailed';
      return html`<li part="upload" class="upload" data-status="failed">
        <span part="upload-error" class="upload-error" role="alert"
          >${this.t(key, { name, code: u.error ?? 'internal' })}</span
        >
        <button
          part="upload-retry"
          class="link-button"
          type="button"
          @click=${() => queue.retry(u.id)}
        >
          ${this.t('retryUpload')}
        </button>
        <button
          part="upload-dismiss"
          class="icon-button"
          type="button"
          aria-label=${this.t('dismissUpload', { name })}
          @click=${() => queue.cancel(u.id)}
        >
          ${closeIcon}
        </button>
      </li>`;
    }
    const percent = u.total > 0 ? Math.min(100, Math.round((u.loaded / u.total) * 100)) : 0;
    return html`<li part="upload" class="upload" data-status="uploading">
      <span part="upload-name" class="upload-name">${name}</span>
      <progress
        part="progress"
        max="100"
        .value=${percent}
        aria-label=${this.t('uploading', { name })}
      ></progress>
      <button
        part="cancel"
        class="icon-button"
        type="button"
        aria-label=${this.t('cancelUpload', { name })}
        @click=${() => queue.cancel(u.id)}
      >
        ${closeIcon}
      </button>
    </li>`;
  }

  #followUploads(store: ChatStore): void {
    if (store === this.#uploadsOf) return;
    this.#uploadsOff?.();
    this.#uploadsOf = store;
    this.#uploadsOff = store.uploads.subscribe(() => this.requestUpdate());
  }

  #pick(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[type="file"]')?.click();
  }

  #picked(event: Event): void {
    const input = event.target as HTMLInputElement;
    this.attach(input.files ?? []);
    // Let the same file be picked again later.
    input.value = '';
  }

  #paste(event: ClipboardEvent): void {
    const files = [...(event.clipboardData?.files ?? [])];
    // Text (even with a file beside it, e.g. from an office app) pastes as usual.
    if (files.length === 0 || event.clipboardData?.types.includes('text/plain')) return;
    event.preventDefault();
    this.attach(files);
  }

  readonly #onDragOver = (event: DragEvent): void => {
    if (!this.targetId || !carriesFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    this.toggleAttribute('dragging', true);
  };

  readonly #onDragLeave = (event: DragEvent): void => {
    const to = event.relatedTarget as Node | null;
    if (!to || !this.contains(to)) this.toggleAttribute('dragging', false);
  };

  readonly #onDrop = (event: DragEvent): void => {
    this.toggleAttribute('dragging', false);
    if (!this.targetId || !carriesFiles(event)) return;
    event.preventDefault();
    this.attach(event.dataTransfer?.files ?? []);
  };

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
