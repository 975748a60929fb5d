import { css, html, nothing } from 'lit';
import type { PropertyDeclarations } from 'lit';
import type { PublicUser } from '@parley/sdk';
import { errorCode } from '../../internal/error-code.js';
import { ParleyElement } from '../../internal/parley-element.js';
import { StoreController } from '../../internal/store-controller.js';
import { baseStyles, buttonStyles } from '../../styles/tokens.js';

/**
 * The members of a group: names and admins; an admin can add people (found by username) and
 * remove members. Each change starts a new epoch key before the next message, so a removed
 * member reads nothing sent afterwards. Shows the provider's open conversation unless
 * `conversation-id` is set.
 *
 * @csspart list - The member list.
 * @csspart member - One member.
 * @csspart admin - The "admin" label.
 * @csspart remove - A remove button (admins only).
 * @csspart search - The add-people search box (admins only).
 * @csspart result - A person found.
 * @csspart error - An error message.
 *
 * @tagname chat-group-members
 */
export class ChatGroupMembers extends ParleyElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    css`
      :host {
        display: block;
        padding: var(--_spacing);
      }
      ul {
        list-style: none;
        margin: 0 0 var(--_spacing);
        padding: 0;
      }
      li {
        display: flex;
        align-items: center;
        gap: var(--_spacing);
        padding: 4px 0;
      }
      .name {
        flex: 1;
      }
      .admin {
        font-size: 0.8em;
        color: var(--_color-text-muted);
      }
      label {
        display: flex;
        flex-direction: column;
        gap: 4px;
        font-weight: 600;
        font-size: 0.9em;
      }
      input {
        font: inherit;
        padding: 8px 10px;
        border-radius: 8px;
        border: 1px solid var(--_color-border);
        background: var(--_color-surface);
        color: var(--_color-text);
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
    found: { state: true },
    error: { state: true },
  };

  /** The group to show. Default: the provider's open conversation. */
  declare conversationId: string | undefined;
  declare private found: readonly PublicUser[];
  declare private error: string;

  readonly #chat = new StoreController(this);
  #query = '';

  constructor() {
    super();
    this.found = [];
    this.error = '';
  }

  override render() {
    const store = this.#chat.store;
    const conversation = store?.conversation(this.conversationId ?? store.state.activeId);
    if (!store || !conversation) return nothing;
    const me = store.state.me?.id;
    const admin = conversation.members.some((m) => m.userId === me && m.admin);
    const memberIds = new Set(conversation.members.map((m) => m.userId));
    return html`<h2 class="visually-hidden">${this.t('members')}</h2>
      <ul part="list" aria-label=${this.t('members')}>
        ${conversation.members.map((m) => {
          const name = store.nameOf(m.userId) ?? '…';
          return html`<li part="member">
            <span class="name">${m.userId === me ? `${name} (${this.t('you')})` : name}</span>
            ${m.admin ? html`<span part="admin" class="admin">${this.t('admin')}</span>` : nothing}
            ${
              admin && m.userId !== me
                ? html`<button
                    part="remove"
                    class="button secondary"
                    type="button"
                    @click=${() => this.#change(() => conversation.removeMember(m.userId))}
                  >
                    ${this.t('removePerson', { name })}
                  </button>`
                : nothing
            }
          </li>`;
        })}
      </ul>
      ${
        admin
          ? html`<label
                >${this.t('searchPeople')}
                <input part="search" type="search" autocomplete="off" @input=${this.#search}
              /></label>
              <ul>
                ${this.found
                  .filter((u) => !memberIds.has(u.id))
                  .map(
                    (u) =>
                      html`<li>
                        <button
                          part="result"
                          class="button secondary"
                          type="button"
                          data-username=${u.username}
                          @click=${() => this.#change(() => conversation.addMember(u.id))}
                        >
                          ${this.t('addPerson', { name: u.displayName })}
                        </button>
                      </li>`,
                  )}
              </ul>`
          : nothing
      }
      ${this.error ? html`<p part="error" class="error" role="alert">${this.error}</p>` : nothing}`;
  }

  async #search(event: InputEvent): Promise<void> {
    const query = (event.target as HTMLInputElement).value.trim().toLowerCase();
    this.#query = query;
    const store = this.#chat.store;
    if (!store || !query) {
      this.found = [];
      return;
    }
    try {
      const found = await store.client.users.search(query, 10);
      if (query === this.#query) this.found = found;
    } catch (error) {
      this.error = this.t('errorGeneric', { code: errorCode(error) });
    }
  }

  async #change(action: () => Promise<void>): Promise<void> {
    this.error = '';
    try {
      await action();
      this.found = [];
      this.requestUpdate();
    } catch (error) {
      this.error = this.t('errorGeneric', { code: errorCode(error) });
    }
  }
}
