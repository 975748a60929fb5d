import { html, nothing } from 'lit';
import type { PropertyDeclarations, PropertyValues, TemplateResult } from 'lit';
import type { Conversation, Message } from '@parley/sdk';
import { ParleyElement } from '../../internal/parley-element.js';
import { carriesFiles, requestUpload } from '../../internal/request-upload.js';
import { StoreController } from '../../internal/store-controller.js';
import { dayKey, formatDay } from '../../internal/time-format.js';
import { baseStyles } from '../../styles/tokens.js';
import { ChatMessage } from '../chat-message/chat-message.component.js';
import { ChatTypingIndicator } from '../chat-typing-indicator/chat-typing-indicator.component.js';
import { styles } from './chat-thread.styles.js';

// How close to the bottom (px) still counts as "at the bottom", and to the top as "load more".
const STICK = 48;
const NEAR_TOP = 120;

/**
 * The messages of one conversation, in a `role="log"` region: new messages are announced by
 * screen readers, older ones (loaded by scrolling up, without the view jumping) are not.
 * Date separators, a "new messages" marker, delivery state per message and a placeholder with
 * the reason for a message that cannot be decrypted. Arrow keys, Home and End move between
 * messages. Files dropped on it are sent to the conversation (like the composer's attach
 * button; the composer shows their progress). Follows the provider's open conversation unless
 * `conversation-id` is set.
 *
 * @event chat-request-upload - Files were dropped; cancel it to send nothing.
 * @event chat-message-retry - Bubbles up from a failed message; the thread retries it.
 *
 * @csspart log - The scrolling message history.
 * @csspart date-separator - A day heading.
 * @csspart new-marker - The "new messages" marker.
 * @csspart loading-older - Shown while older messages load.
 * @csspart beginning - Shown above the first message of the conversation.
 * @csspart empty - Shown when there is no conversation or no message.
 * @csspart message - Each `<chat-message>` element (its inner parts are exported as
 *   `message-*`: `message-bubble`, `message-text`, `message-status`, ...).
 * @csspart typing - The typing indicator.
 *
 * @cssproperty --thread-padding - Padding above and below the messages.
 *
 * @tagname chat-thread
 */
export class ChatThread extends ParleyElement {
  static override dependencies = {
    'chat-message': ChatMessage,
    'chat-typing-indicator': ChatTypingIndicator,
  };
  static override styles = [baseStyles, styles];
  static override properties: PropertyDeclarations = {
    ...ParleyElement.properties,
    conversationId: { attribute: 'conversation-id', reflect: true },
    loadingOlder: { state: true },
    focusIndex: { state: true },
  };

  /** The conversation to show. Default: the provider's open conversation. */
  declare conversationId: string | undefined;
  declare private loadingOlder: boolean;
  declare private focusIndex: number;

  readonly #chat = new StoreController(this, () => this.#follow());
  #conversation: Conversation | undefined;
  #off: (() => void) | undefined;
  #firstId: string | undefined;
  #bottomOffset = 0;
  #wasAtBottom = true;
  #opened = false;

  constructor() {
    super();
    this.loadingOlder = false;
    this.focusIndex = -1;
  }

  /** The conversation shown, once loaded. */
  get conversation(): Conversation | undefined {
    return this.#conversation;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#off?.();
    this.#off = undefined;
    this.#conversation = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('conversationId')) this.#follow();
    const log = this.#log();
    if (log) {
      this.#bottomOffset = log.scrollHeight - log.scrollTop;
      this.#wasAtBottom = this.#bottomOffset - log.clientHeight <= STICK;
    }
  }

  protected override updated(): void {
    void this.#adjustScroll();
  }

  override render() {
    const store = this.#chat.store;
    const conversation = this.#conversation;
    if (!store || !conversation) {
      return html`<div
        part="log"
        class="log"
        role="log"
        tabindex="0"
        aria-label=${this.t('chooseConversation')}
      >
        <p part="empty" class="empty">${this.t('chooseConversation')}</p>
      </div>`;
    }
    const messages = conversation.messages;
    const focus =
      this.focusIndex < 0 || this.focusIndex >= messages.length
        ? messages.length - 1
        : this.focusIndex;
    const typing = store.typing(conversation.id).map((id) => store.nameOf(id) ?? '…');
    return html`<div
        part="log"
        class="log"
        role="log"
        aria-label=${this.t('history', { title: store.titleOf(conversation) })}
        aria-busy=${this.loadingOlder ? 'true' : 'false'}
        tabindex=${messages.length ? '-1' : '0'}
        @scroll=${this.#onScroll}
        @keydown=${this.#onKeydown}
        @chat-message-retry=${this.#onRetry}
        @dragover=${this.#onDragOver}
        @dragleave=${this.#onDragLeave}
        @drop=${this.#onDrop}
      >
        ${
          conversation.hasOlder
            ? html`<p
                part="loading-older"
                class="edge"
                aria-hidden=${this.loadingOlder ? 'false' : 'true'}
              >
                ${this.loadingOlder ? this.t('loadingOlder') : ''}
              </p>`
            : html`<p part="beginning" class="edge">${this.t('beginning')}</p>`
        }
        ${messages.length === 0 ? html`<p part="empty" class="empty">${this.t('emptyThread')}</p>` : nothing}
        ${this.#items(messages, focus, store.newMarker(conversation.id))}
      </div>
      <chat-typing-indicator
        part="typing"
        exportparts="indicator, dots"
        .names=${typing}
        .strings=${this.strings}
      ></chat-typing-indicator>`;
  }

  #items(messages: readonly Message[], focus: number, markerId: string | null): TemplateResult[] {
    const store = this.#chat.store!;
    const me = store.state.me?.id;
    const group = this.#conversation?.kind === 'group';
    const out: TemplateResult[] = [];
    const labels = { today: this.t('today'), yesterday: this.t('yesterday') };
    let previous: Message | undefined;
    messages.forEach((m, index) => {
      if (!previous || dayKey(previous.ts) !== dayKey(m.ts)) {
        out.push(
          html`<div part="date-separator" class="day">
            <span>${formatDay(m.ts, this.language, labels)}</span>
          </div>`,
        );
      }
      if (m.id === markerId) {
        out.push(html`<div part="new-marker" class="marker">${this.t('newMessages')}</div>`);
      }
      const mine = m.sender === me;
      out.push(
        html`<chat-message
          part="message"
          exportparts="message: message-row, sender: message-sender, bubble: message-bubble, text: message-text, link: message-link, undecryptable: message-undecryptable, meta: message-meta, time: message-time, status: message-status, retry: message-retry, file: message-file, file-image: message-file-image, file-card: message-file-card, file-name: message-file-name, file-size: message-file-size, file-download: message-file-download, file-error: message-file-error"
          role="article"
          tabindex=${index === focus ? '0' : '-1'}
          data-id=${m.id}
          .message=${m}
          .delivery=${mine ? this.#conversation?.deliveryState(m) : undefined}
          .strings=${this.strings}
          .senderName=${mine ? (store.state.me?.displayName ?? '') : (store.nameOf(m.sender) ?? this.t('unknownUser'))}
          ?mine=${mine}
          ?show-sender=${group && previous?.sender !== m.sender}
        ></chat-message>`,
      );
      previous = m;
    });
    return out;
  }

  #follow(): void {
    const store = this.#chat.store;
    const id = this.conversationId ?? store?.state.activeId ?? undefined;
    if (!store || !id) return this.#show(undefined);
    if (this.#conversation?.id === id) return;
    const known = store.conversation(id);
    if (known) this.#show(known);
    const load = this.conversationId ? store.client.conversations.get(id) : Promise.resolve(known);
    load.then(
      (loaded) => {
        const current = this.conversationId ?? store.state.activeId;
        if (loaded && loaded.id === current && loaded !== this.#conversation) this.#show(loaded);
      },
      (error: unknown) => console.warn('[parley] could not load the conversation', error),
    );
  }

  #show(conversation: Conversation | undefined): void {
    if (conversation === this.#conversation) return;
    this.#off?.();
    this.#conversation = conversation;
    this.#firstId = undefined;
    this.#opened = false;
    this.focusIndex = -1;
    this.#off = conversation?.subscribe(() => {
      this.#chat.store?.markRead(conversation.id);
      this.requestUpdate();
    });
    this.requestUpdate();
  }

  #log(): HTMLElement | null {
    return this.renderRoot?.querySelector?.('.log') ?? null;
  }

  async #adjustScroll(): Promise<void> {
    const log = this.#log();
    const conversation = this.#conversation;
    if (!log || !conversation) return;
    // Children render after this element; measure once they have, still before the next paint.
    const children = [...log.querySelectorAll<ChatMessage>('chat-message')];
    await Promise.all(children.map((child) => child.updateComplete));
    const firstId = conversation.messages[0]?.id;
    if (!this.#opened) {
      this.#opened = conversation.messages.length > 0;
      const marker = log.querySelector<HTMLElement>('.marker');
      if (marker) log.scrollTop = marker.offsetTop - log.offsetTop - 8;
      else log.scrollTop = log.scrollHeight;
    } else if (firstId !== this.#firstId && this.#firstId !== undefined) {
      // Older messages were prepended: keep the same content under the reader's eyes.
      log.scrollTop = log.scrollHeight - this.#bottomOffset;
    } else if (this.#wasAtBottom || this.#lastIsOwnPending()) {
      log.scrollTop = log.scrollHeight;
    }
    this.#firstId = firstId;
    // Fill a log too short to scroll, but only once the newest page is there: before that
    // (a conversation still loading) there is nothing to stand on.
    if (this.#opened && log.scrollHeight <= log.clientHeight && conversation.hasOlder) {
      void this.#loadOlder();
    }
  }

  #lastIsOwnPending(): boolean {
    const last = this.#conversation?.messages.at(-1);
    return (
      last !== undefined &&
      last.status === 'pending' &&
      last.sender === this.#chat.store?.state.me?.id
    );
  }

  #onScroll(): void {
    const log = this.#log();
    if (log && log.scrollTop < NEAR_TOP) void this.#loadOlder();
  }

  async #loadOlder(): Promise<void> {
    const conversation = this.#conversation;
    if (!conversation || !conversation.hasOlder || this.loadingOlder) return;
    this.loadingOlder = true;
    try {
      await conversation.loadOlder();
    } catch (error) {
      console.warn('[parley] could not load older messages', error);
    } finally {
      this.loadingOlder = false;
    }
  }

  #onRetry(event: Event): void {
    const detail = (event as CustomEvent<{ messageId: string }>).detail;
    this.#conversation?.retry(detail.messageId).catch((error: unknown) => {
      console.warn('[parley] retry failed', error);
    });
  }

  #onDragOver(event: DragEvent): void {
    if (!this.#conversation || !carriesFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    this.toggleAttribute('dragging', true);
  }

  #onDragLeave(event: DragEvent): void {
    // Leaving for a child of the log is not leaving.
    const to = event.relatedTarget as Node | null;
    if (!to || !this.#log()?.contains(to)) this.toggleAttribute('dragging', false);
  }

  #onDrop(event: DragEvent): void {
    this.toggleAttribute('dragging', false);
    if (!this.#conversation || !carriesFiles(event)) return;
    event.preventDefault();
    const files = [...(event.dataTransfer?.files ?? [])];
    requestUpload(this, this.#chat.store, this.#conversation.id, files);
  }

  #onKeydown(event: KeyboardEvent): void {
    const messages = this.#conversation?.messages ?? [];
    // Only from a focused message: keys inside a link or a retry button keep their meaning.
    if (messages.length === 0 || !(event.composedPath()[0] instanceof ChatMessage)) return;
    const current = this.focusIndex < 0 ? messages.length - 1 : this.focusIndex;
    const moves: Record<string, number> = {
      ArrowUp: current - 1,
      ArrowDown: current + 1,
      Home: 0,
      End: messages.length - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    this.focusIndex = Math.max(0, Math.min(messages.length - 1, target));
    void this.updateComplete.then(() => {
      this.#log()?.querySelector<HTMLElement>(`chat-message[tabindex="0"]`)?.focus();
    });
  }
}
