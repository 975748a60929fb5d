import { html, nothing } from 'lit';
import type { PropertyDeclarations } from 'lit';
import type { Conversation } from '@parley/sdk';
import { ParleyElement } from '../../internal/parley-element.js';
import { StoreController } from '../../internal/store-controller.js';
import { formatShort } from '../../internal/time-format.js';
import { baseStyles } from '../../styles/tokens.js';
import { ChatUnreadBadge } from '../chat-unread-badge/chat-unread-badge.component.js';
import { styles } from './chat-conversation-list.styles.js';

/**
 * The signed-in user's conversations, most recently active first: name, last message
 * preview, time and unread badge. Choosing one opens it in the `<chat-thread>` of the same
 * provider. Arrow keys move between conversations.
 *
 * @event chat-conversation-select - A conversation was chosen; `detail.conversationId`.
 *
 * @csspart base - The navigation landmark.
 * @csspart list - The list.
 * @csspart item - A conversation's button.
 * @csspart avatar - Its initial.
 * @csspart presence - The presence dot of a direct conversation's contact (`data-state`:
 *   `online`, `away`, `offline`).
 * @csspart name - Its name.
 * @csspart preview - Its last message.
 * @csspart time - Time of its last message.
 * @csspart badge - Its unread badge (exported from `<chat-unread-badge>`).
 * @csspart empty - The text shown when there is no conversation yet.
 *
 * @cssproperty --avatar-size - Default `40px`.
 * @cssproperty --item-active-background - Background of the open and hovered items.
 *
 * @tagname chat-conversation-list
 */
export class ChatConversationList extends ParleyElement {
  static override dependencies = { 'chat-unread-badge': ChatUnreadBadge };
  static override styles = [baseStyles, styles];
  static override properties: PropertyDeclarations = { ...ParleyElement.properties };

  readonly #chat = new StoreController(this);

  override render() {
    const store = this.#chat.store;
    const state = store?.state;
    const label = this.t('conversations');
    if (!state || !state.conversationsLoaded) {
      return html`<nav part="base" aria-label=${label} aria-busy="true">
        <p part="empty" class="empty" role="status">${this.t('loading')}</p>
      </nav>`;
    }
    if (state.conversations.length === 0) {
      return html`<nav part="base" aria-label=${label}>
        <p part="empty" class="empty">${this.t('noConversations')}</p>
      </nav>`;
    }
    return html`<nav part="base" aria-label=${label}>
      <ul part="list" @keydown=${this.#keydown}>
        ${state.conversations.map((c) => this.#item(c, c.id === state.activeId))}
      </ul>
    </nav>`;
  }

  #item(conversation: Conversation, active: boolean) {
    const store = this.#chat.store!;
    const title = store.titleOf(conversation);
    const last = conversation.messages.at(-1);
    const unread = store.unread(conversation.id);
    const peer = store.peerOf(conversation);
    const presence = peer ? store.presenceOf(peer) : null;
    let preview = this.t('noMessagesYet');
    if (last) {
      const text = last.status === 'undecryptable' ? '…' : last.text;
      preview = last.sender === store.state.me?.id ? `${this.t('you')}: ${text}` : text;
    }
    return html`<li>
      <button
        part="item"
        class="item ${unread > 0 ? 'unread' : ''}"
        type="button"
        aria-current=${active ? 'true' : nothing}
        data-id=${conversation.id}
        @click=${() => this.#select(conversation.id)}
      >
        <span part="avatar" class="avatar" aria-hidden="true"
          >${[...title][0] ?? '?'}${
            presence
              ? html`<span part="presence" class="presence" data-state=${presence}></span>`
              : nothing
          }</span
        >
        <span class="body">
          <span part="name" class="name"
            >${title}${
              presence
                ? html`<span class="visually-hidden">, ${this.t(`presence_${presence}`)}</span>`
                : nothing
            }</span
          >
          <span part="preview" class="preview">${preview}</span>
        </span>
        <span class="aside">
          ${
            last
              ? html`<time part="time" class="time" datetime=${new Date(last.ts).toISOString()}
                  >${formatShort(last.ts, this.language)}</time
                >`
              : nothing
          }
          <chat-unread-badge
            exportparts="badge"
            .count=${unread}
            .strings=${this.strings}
          ></chat-unread-badge>
        </span>
      </button>
    </li>`;
  }

  #select(id: string): void {
    this.emit('chat-conversation-select', { conversationId: id });
    this.#chat.store?.open(id).catch((error: unknown) => {
      console.warn('[parley] could not open the conversation', error);
    });
  }

  #keydown(event: KeyboardEvent): void {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const items = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('.item')];
    const index = items.indexOf((this.renderRoot as ShadowRoot).activeElement as HTMLButtonElement);
    if (index < 0) return;
    event.preventDefault();
    const next =
      items[Math.min(items.length - 1, Math.max(0, index + (event.key === 'ArrowDown' ? 1 : -1)))];
    next?.focus();
  }
}
