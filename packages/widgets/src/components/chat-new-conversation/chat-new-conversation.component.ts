import { html, nothing } from 'lit';
import type { PropertyDeclarations } from 'lit';
import type { Conversation, PublicUser } from '@parley/sdk';
import { errorCode } from '../../internal/error-code.js';
import { ParleyElement } from '../../internal/parley-element.js';
import { StoreController } from '../../internal/store-controller.js';
import { baseStyles, buttonStyles } from '../../styles/tokens.js';
import { styles } from './chat-new-conversation.styles.js';

/**
 * A modal dialog to start a direct chat or a group: search people by username (the key
 * directory), pick one (direct) or several and a name (group). The new conversation becomes
 * the provider's open one. Opened by `show()`; focus returns where it was on close.
 *
 * @event chat-conversation-created - `detail.conversation` is the new (or existing direct)
 *   conversation.
 *
 * @csspart dialog - The dialog.
 * @csspart title - Its heading.
 * @csspart kind - The direct / group choice.
 * @csspart search - The search box.
 * @csspart results - The list of people found.
 * @csspart result - One person found.
 * @csspart selected - The people picked for a group.
 * @csspart group-title - The group name field.
 * @csspart create - The create button.
 * @csspart cancel - The cancel button.
 * @csspart error - An error message.
 *
 * @tagname chat-new-conversation
 */
export class ChatNewConversation extends ParleyElement {
  static override styles = [baseStyles, buttonStyles, styles];
  static override properties: PropertyDeclarations = {
    ...ParleyElement.properties,
    kind: { reflect: true },
    results: { state: true },
    selected: { state: true },
    error: { state: true },
    searched: { state: true },
  };

  /** `direct` (default) or `group`. */
  declare kind: 'direct' | 'group';
  declare private results: readonly PublicUser[];
  declare private selected: readonly PublicUser[];
  declare private error: string;
  declare private searched: boolean;

  readonly #chat = new StoreController(this);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #query = '';

  constructor() {
    super();
    this.kind = 'direct';
    this.results = [];
    this.selected = [];
    this.error = '';
    this.searched = false;
  }

  /** Whether the dialog is open. */
  get open(): boolean {
    return this.#dialog()?.open ?? false;
  }

  /** Opens the dialog (modal), with a fresh form. */
  async show(): Promise<void> {
    this.results = [];
    this.selected = [];
    this.error = '';
    this.searched = false;
    await this.updateComplete;
    const form = this.renderRoot.querySelector('form');
    form?.reset();
    this.#dialog()?.showModal();
  }

  /** Closes the dialog. */
  close(): void {
    this.#dialog()?.close();
  }

  override render() {
    const group = this.kind === 'group';
    return html`<dialog part="dialog" aria-labelledby="title">
      <form part="form" method="dialog" @submit=${this.#submit}>
        <h2 part="title" id="title">${this.t('newConversation')}</h2>
        <fieldset part="kind">
          <legend class="visually-hidden">${this.t('conversationKind')}</legend>
          <label
            ><input
              type="radio"
              name="kind"
              value="direct"
              .checked=${!group}
              @change=${() => this.#setKind('direct')}
            />
            ${this.t('directChat')}</label
          >
          <label
            ><input
              type="radio"
              name="kind"
              value="group"
              .checked=${group}
              @change=${() => this.#setKind('group')}
            />
            ${this.t('groupChat')}</label
          >
        </fieldset>
        ${
          group
            ? html`<label class="field"
                >${this.t('groupTitle')}
                <input part="group-title" type="text" name="title" maxlength="128" required
              /></label>`
            : nothing
        }
        <label class="field"
          >${this.t('searchPeople')}
          <input
            part="search"
            type="search"
            name="q"
            autocomplete="off"
            autocapitalize="none"
            spellcheck="false"
            @input=${this.#onSearch}
        /></label>
        ${
          group && this.selected.length
            ? html`<div part="selected" class="chips" aria-label=${this.t('members')} role="group">
                ${this.selected.map(
                  (u) =>
                    html`<button
                      class="chip"
                      type="button"
                      aria-label=${this.t('removePerson', { name: u.displayName })}
                      @click=${() => this.#unpick(u)}
                    >
                      ${u.displayName} ✕
                    </button>`,
                )}
              </div>`
            : nothing
        }
        <div role="status">
          ${this.searched && this.results.length === 0 ? html`<p class="muted">${this.t('noPeopleFound')}</p>` : nothing}
        </div>
        ${
          this.results.length
            ? html`<ul part="results">
                ${this.results.map(
                  (u) =>
                    html`<li>
                      <button
                        part="result"
                        class="result"
                        type="button"
                        data-username=${u.username}
                        @click=${() => this.#pick(u)}
                      >
                        <span>${u.displayName}</span><small>@${u.username}</small>
                      </button>
                    </li>`,
                )}
              </ul>`
            : nothing
        }
        ${this.error ? html`<p part="error" class="error" role="alert">${this.error}</p>` : nothing}
        <div class="actions">
          <button part="cancel" class="button secondary" type="button" @click=${() => this.close()}>
            ${this.t('cancel')}
          </button>
          ${
            group
              ? html`<button
                  part="create"
                  class="button"
                  type="submit"
                  ?disabled=${this.selected.length === 0}
                >
                  ${this.t('startChat')}
                </button>`
              : nothing
          }
        </div>
      </form>
    </dialog>`;
  }

  #dialog(): HTMLDialogElement | null {
    return this.renderRoot?.querySelector?.('dialog') ?? null;
  }

  #setKind(kind: 'direct' | 'group'): void {
    this.kind = kind;
    this.selected = [];
  }

  #onSearch(event: InputEvent): void {
    this.#query = (event.target as HTMLInputElement).value.trim().toLowerCase();
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#search(this.#query), 200);
  }

  async #search(query: string): Promise<void> {
    const store = this.#chat.store;
    if (!store || query.length === 0) {
      this.results = [];
      this.searched = false;
      return;
    }
    try {
      const found = await store.client.users.search(query, 20);
      if (query !== this.#query) return;
      const me = store.state.me?.id;
      this.results = found.filter((u) => u.id !== me);
      this.searched = true;
    } catch (error) {
      this.error = this.t('errorGeneric', { code: errorCode(error) });
    }
  }

  async #pick(user: PublicUser): Promise<void> {
    if (this.kind === 'group') {
      if (!this.selected.some((u) => u.id === user.id)) this.selected = [...this.selected, user];
      return;
    }
    await this.#create(() => this.#chat.store!.client.conversations.openDirect(user.id));
  }

  #unpick(user: PublicUser): void {
    this.selected = this.selected.filter((u) => u.id !== user.id);
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.kind !== 'group' || this.selected.length === 0) return;
    const title = String(
      new FormData(event.currentTarget as HTMLFormElement).get('title') ?? '',
    ).trim();
    if (!title) {
      this.error = this.t('errorInvalid', { field: this.t('groupTitle') });
      return;
    }
    const members = this.selected.map((u) => u.id);
    await this.#create(() => this.#chat.store!.client.conversations.create({ title, members }));
  }

  async #create(make: () => Promise<Conversation>): Promise<void> {
    const store = this.#chat.store;
    if (!store) return;
    this.error = '';
    try {
      const conversation = await make();
      await store.open(conversation.id);
      this.close();
      this.emit('chat-conversation-created', { conversation });
    } catch (error) {
      this.error = this.t('errorGeneric', { code: errorCode(error) });
    }
  }
}
