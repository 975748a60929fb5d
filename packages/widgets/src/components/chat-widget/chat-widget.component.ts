import { ContextProvider } from '@lit/context';
import { html, nothing } from 'lit';
import type { PropertyDeclarations, PropertyValues } from 'lit';
import type { ChatClient, KdfOptions } from '@parley/sdk';
import { chatStoreContext } from '../../internal/context.js';
import {
  backIcon,
  chatIcon,
  closeIcon,
  lockIcon,
  membersIcon,
  plusIcon,
  signOutIcon,
} from '../../internal/icons.js';
import { ParleyElement } from '../../internal/parley-element.js';
import { storeFor } from '../../internal/store-host.js';
import type { ChatStore } from '../../state/chat-store.js';
import { baseStyles, buttonStyles, themeStyles } from '../../styles/tokens.js';
import { ChatComposer } from '../chat-composer/chat-composer.component.js';
import { ChatConnectionBanner } from '../chat-connection-banner/chat-connection-banner.component.js';
import { ChatGroupMembers } from '../chat-group-members/chat-group-members.component.js';
import { ChatConversationList } from '../chat-conversation-list/chat-conversation-list.component.js';
import { ChatIdentityBanner } from '../chat-identity-banner/chat-identity-banner.component.js';
import { ChatLogin } from '../chat-login/chat-login.component.js';
import { ChatNewConversation } from '../chat-new-conversation/chat-new-conversation.component.js';
import { ChatSafetyNumber } from '../chat-safety-number/chat-safety-number.component.js';
import { ChatThread } from '../chat-thread/chat-thread.component.js';
import { ChatUnreadBadge } from '../chat-unread-badge/chat-unread-badge.component.js';
import { styles } from './chat-widget.styles.js';

/** How `<chat-widget>` lays itself out. */
export type WidgetMode = 'inline' | 'launcher' | 'inbox';

/**
 * The complete chat in one element: sign-in or registration, the conversation list, the open
 * conversation and the composer, banners for the connection and for changed security keys,
 * dialogs for new conversations and safety numbers. `inline` fills its container, `launcher`
 * is a round button in a corner that opens a panel, `inbox` is a full-page two-pane layout;
 * every mode works down to a 320 px wide screen. Focus moves only when the user acts.
 *
 * @event chat-signed-in - Signed in; `detail.user`.
 * @event chat-signed-out - Signed out.
 * @event chat-open-change - The launcher panel opened or closed; `detail.open`.
 * @event chat-unread-change - The total unread count changed; `detail.count`.
 *
 * @csspart launcher - The launcher button (`launcher` mode).
 * @csspart panel - The chat panel.
 * @csspart header - The top bar.
 * @csspart title - The title in the top bar.
 * @csspart new-conversation - The "new conversation" button.
 * @csspart sign-out - The sign-out button.
 * @csspart close - The close button (`launcher` mode).
 * @csspart list - The `<chat-conversation-list>`.
 * @csspart conversation - The pane with the open conversation.
 * @csspart conversation-header - Its top bar.
 * @csspart back - Its back button (narrow layouts).
 * @csspart safety-number-button - Its safety-number button (direct conversations).
 * @csspart members-button - Its members button (groups).
 * @csspart members-dialog - The dialog with `<chat-group-members>`.
 * @csspart thread - The `<chat-thread>`.
 * @csspart composer - The `<chat-composer>`.
 * @csspart login - The `<chat-login>`.
 * Parts of the inner components are exported with a prefix: `list-item`, `thread-message-bubble`,
 * `composer-input`, `login-submit`, ... (see the README).
 *
 * @cssproperty --widget-width - Width of the launcher panel. Default `380px`.
 * @cssproperty --widget-height - Height of the launcher panel. Default `600px`.
 * @cssproperty --launcher-size - Diameter of the launcher button. Default `56px`.
 * @cssproperty --launcher-offset - Distance of the launcher from the corner. Default `20px`.
 * @cssproperty --list-width - Width of the list in two-pane layouts. Default `32%`.
 *
 * @example
 * ```html
 * <script type="module" src="https://chat.example.com/widget.js"></script>
 * <chat-widget server="https://chat.example.com" mode="launcher" theme="auto"></chat-widget>
 * ```
 *
 * @tagname chat-widget
 */
export class ChatWidget extends ParleyElement {
  static override dependencies = {
    'chat-login': ChatLogin,
    'chat-conversation-list': ChatConversationList,
    'chat-thread': ChatThread,
    'chat-composer': ChatComposer,
    'chat-connection-banner': ChatConnectionBanner,
    'chat-identity-banner': ChatIdentityBanner,
    'chat-new-conversation': ChatNewConversation,
    'chat-safety-number': ChatSafetyNumber,
    'chat-unread-badge': ChatUnreadBadge,
    'chat-group-members': ChatGroupMembers,
  };
  static override styles = [baseStyles, themeStyles, buttonStyles, styles];
  static override properties: PropertyDeclarations = {
    ...ParleyElement.properties,
    server: { reflect: true },
    mode: { reflect: true },
    theme: { reflect: true },
    open: { type: Boolean, reflect: true },
    kdf: { type: Object },
    client: { attribute: false },
    safetyUser: { state: true },
  };

  /** URL of the Parley server (e.g. `https://chat.example.com`). */
  declare server: string;
  /** `inline` (default), `launcher` or `inbox`. */
  declare mode: WidgetMode;
  /** `light` (default), `dark` or `auto` (follows the system). */
  declare theme: 'light' | 'dark' | 'auto';
  /** Whether the launcher panel is open (`launcher` mode). Default `false`. */
  declare open: boolean;
  /** Argon2id cost for new accounts, e.g. `{"m":19456,"t":2}`. Default: the SDK's. */
  declare kdf: KdfOptions | undefined;
  /** A `ChatClient` made by the page (wins over `server`). */
  declare client: ChatClient | undefined;
  declare private safetyUser: string;

  readonly #provider = new ContextProvider(this, { context: chatStoreContext });
  #store: ChatStore | null = null;
  #off: (() => void) | undefined;
  #unread = 0;
  #session = '';

  constructor() {
    super();
    this.server = '';
    this.mode = 'inline';
    this.theme = 'light';
    this.open = false;
    this.safetyUser = '';
  }

  /** The store behind the widget (once `server` or `client` is set). */
  get store(): ChatStore | null {
    return this.#store;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The widget announces sign-in itself (see #listen); the inner form's event would be a
    // second copy whenever it is still attached when it fires.
    this.addEventListener('chat-signed-in', this.#innerSignedIn);
    if (this.#store && !this.#off) this.#listen(this.#store);
  }

  #innerSignedIn = (event: Event): void => {
    // `target` is retargeted to this host for events from the shadow tree; the path is not.
    if (event.composedPath()[0] !== this) event.stopPropagation();
  };

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('chat-signed-in', this.#innerSignedIn);
    this.#off?.();
    this.#off = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('server') || changed.has('client') || changed.has('kdf')) {
      const next = storeFor(this, this.#store);
      if (next !== this.#store) {
        this.#off?.();
        this.#store = next;
        this.#provider.setValue(next ?? undefined);
        if (next) {
          this.#listen(next);
          next.start().catch((error: unknown) => console.warn('[parley] could not start', error));
        }
      }
    }
  }

  override render() {
    const launcher = this.mode === 'launcher';
    return html`${launcher ? this.#launcher() : nothing}
      <section
        part="panel"
        id="panel"
        class="panel"
        aria-label=${this.t('chatTitle')}
        tabindex="-1"
        ?hidden=${launcher && !this.open}
        @keydown=${this.#onKeydown}
        @chat-request-safety-number=${this.#onSafetyRequest}
      >
        ${this.#content()}
      </section>
      <dialog part="members-dialog" class="safety members" aria-label=${this.t('members')}>
        <chat-group-members .strings=${this.strings}></chat-group-members>
        <div class="actions">
          <button class="button secondary" type="button" @click=${this.#closeMembers}>
            ${this.t('close')}
          </button>
        </div>
      </dialog>
      <dialog
        part="safety-dialog"
        class="safety"
        aria-label=${this.t('compareSafetyNumber')}
        @close=${() => (this.safetyUser = '')}
      >
        ${
          this.safetyUser
            ? html`<chat-safety-number
                .user=${this.safetyUser}
                .strings=${this.strings}
              ></chat-safety-number>`
            : nothing
        }
        <div class="actions">
          <button class="button secondary" type="button" @click=${this.#closeSafety}>
            ${this.t('close')}
          </button>
        </div>
      </dialog>`;
  }

  /** Opens the launcher panel. */
  show(): void {
    this.#setOpen(true);
  }

  /** Closes the launcher panel. */
  hide(): void {
    this.#setOpen(false);
  }

  #launcher() {
    const unread = this.#store?.unreadTotal ?? 0;
    return html`<button
      part="launcher"
      class="launcher"
      type="button"
      aria-expanded=${this.open ? 'true' : 'false'}
      aria-controls="panel"
      aria-label=${this.t(this.open ? 'closeChat' : 'openChat')}
      @click=${() => this.#setOpen(!this.open)}
    >
      ${this.open ? closeIcon : chatIcon}
      <chat-unread-badge
        exportparts="badge: launcher-badge"
        .count=${unread}
        .strings=${this.strings}
      ></chat-unread-badge>
    </button>`;
  }

  #content() {
    const state = this.#store?.state;
    if (!state || state.session === 'starting') {
      return html`<p class="status" role="status">${this.t('loading')}</p>`;
    }
    if (state.session === 'signed-out') {
      return html`<div class="login">
        <chat-login
          part="login"
          exportparts="form: login-form, title: login-title, field: login-field, input: login-input, submit: login-submit, switch: login-switch, progress: login-progress, error: login-error"
          .strings=${this.strings}
        ></chat-login>
      </div>`;
    }
    const active = this.#store!.conversation(state.activeId);
    return html`<header part="header">
        <h2 part="title">${this.t('chatTitle')}</h2>
        <button
          part="new-conversation"
          class="icon-button"
          type="button"
          aria-label=${this.t('newConversation')}
          title=${this.t('newConversation')}
          @click=${this.#newConversation}
        >
          ${plusIcon}
        </button>
        <button
          part="sign-out"
          class="icon-button"
          type="button"
          aria-label=${this.t('signOut')}
          title=${this.t('signedInAs', { name: state.me?.displayName ?? '' })}
          @click=${this.#signOut}
        >
          ${signOutIcon}
        </button>
        ${
          this.mode === 'launcher'
            ? html`<button
                part="close"
                class="icon-button"
                type="button"
                aria-label=${this.t('closeChat')}
                @click=${() => this.#setOpen(false)}
              >
                ${closeIcon}
              </button>`
            : nothing
        }
      </header>
      <chat-identity-banner .strings=${this.strings}></chat-identity-banner>
      <chat-connection-banner
        exportparts="banner: connection-banner"
        .strings=${this.strings}
      ></chat-connection-banner>
      <div class="body ${state.activeId ? 'has-active' : ''}">
        <chat-conversation-list
          part="list"
          class="list"
          exportparts="item: list-item, avatar: list-avatar, name: list-name, preview: list-preview, time: list-time, badge: list-badge, empty: list-empty"
          .strings=${this.strings}
        ></chat-conversation-list>
        <div part="conversation" class="conversation">
          ${
            active
              ? html`<div part="conversation-header" class="conversation-header">
                  <button
                    part="back"
                    class="icon-button back"
                    type="button"
                    aria-label=${this.t('back')}
                    @click=${() => this.#store?.close()}
                  >
                    ${backIcon}
                  </button>
                  <h3>${this.#store!.titleOf(active)}</h3>
                  ${
                    this.#store!.peerOf(active)
                      ? html`<button
                          part="safety-number-button"
                          class="icon-button"
                          type="button"
                          aria-label=${this.t('compareSafetyNumber')}
                          title=${this.t('compareSafetyNumber')}
                          @click=${() => this.#showSafety(this.#store!.peerOf(active)!)}
                        >
                          ${lockIcon}
                        </button>`
                      : html`<button
                          part="members-button"
                          class="icon-button"
                          type="button"
                          aria-label=${this.t('members')}
                          title=${this.t('members')}
                          @click=${this.#showMembers}
                        >
                          ${membersIcon}
                        </button>`
                  }
                </div>`
              : nothing
          }
          <chat-thread
            part="thread"
            exportparts="log: thread-log, date-separator: thread-date-separator, new-marker: thread-new-marker, message: thread-message, message-bubble: thread-message-bubble, message-text: thread-message-text, message-status: thread-message-status, message-undecryptable: thread-message-undecryptable, message-file-image: thread-message-file-image, message-file-card: thread-message-file-card, message-file-download: thread-message-file-download, message-file-error: thread-message-file-error"
            .strings=${this.strings}
          ></chat-thread>
          ${active ? html`<chat-composer part="composer" exportparts="input: composer-input, send: composer-send, offline: composer-offline, attach: composer-attach, uploads: composer-uploads, upload: composer-upload, progress: composer-progress, cancel: composer-cancel, upload-error: composer-upload-error" .strings=${this.strings}></chat-composer>` : nothing}
        </div>
      </div>
      <chat-new-conversation .strings=${this.strings}></chat-new-conversation>`;
  }

  #listen(store: ChatStore): void {
    this.#off = store.subscribe(() => {
      const state = store.state;
      if (state.session !== this.#session) {
        const before = this.#session;
        this.#session = state.session;
        if (state.session === 'signed-out' && before === 'signed-in')
          this.emit('chat-signed-out', {});
        // From the store, not from <chat-login>: its event is lost when the form is removed
        // on sign-in, and a resumed session never passes through the form at all.
        if (state.session === 'signed-in' && state.me)
          this.emit('chat-signed-in', { user: state.me });
      }
      const unread = store.unreadTotal;
      if (unread !== this.#unread) {
        this.#unread = unread;
        this.emit('chat-unread-change', { count: unread });
      }
      this.requestUpdate();
    });
  }

  #setOpen(open: boolean): void {
    if (open === this.open) return;
    this.open = open;
    this.emit('chat-open-change', { open });
    // Only ever after the user's own click or key: focus follows what they opened or closed.
    void this.updateComplete.then(() => {
      const target = open
        ? this.renderRoot.querySelector<HTMLElement>('#panel')
        : this.renderRoot.querySelector<HTMLElement>('.launcher');
      target?.focus();
    });
  }

  #onKeydown(event: KeyboardEvent): void {
    if (
      event.key === 'Escape' &&
      this.mode === 'launcher' &&
      this.open &&
      !event.defaultPrevented
    ) {
      const inDialog = event.composedPath().some((node) => node instanceof HTMLDialogElement);
      if (!inDialog) this.#setOpen(false);
    }
  }

  #newConversation(): void {
    if (this.emit('chat-request-new-conversation', {})) {
      void this.renderRoot.querySelector<ChatNewConversation>('chat-new-conversation')?.show();
    }
  }

  async #signOut(): Promise<void> {
    await this.#store?.signOut();
  }

  #onSafetyRequest(event: Event): void {
    const detail = (event as CustomEvent<{ userId: string }>).detail;
    if (event.target !== this) this.#showSafety(detail.userId);
  }

  #showSafety(userId: string): void {
    this.safetyUser = userId;
    this.renderRoot.querySelector<HTMLDialogElement>('dialog.safety')?.showModal();
  }

  #showMembers(): void {
    this.renderRoot.querySelector<HTMLDialogElement>('dialog.members')?.showModal();
  }

  #closeMembers(): void {
    this.renderRoot.querySelector<HTMLDialogElement>('dialog.members')?.close();
  }

  #closeSafety(): void {
    this.renderRoot.querySelector<HTMLDialogElement>('dialog.safety')?.close();
  }
}
