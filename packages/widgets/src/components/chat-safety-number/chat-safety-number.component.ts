import { css, html, nothing } from 'lit';
import type { PropertyDeclarations, PropertyValues } from 'lit';
import { ParleyElement } from '../../internal/parley-element.js';
import { StoreController } from '../../internal/store-controller.js';
import { baseStyles, buttonStyles } from '../../styles/tokens.js';

/**
 * The safety number of the signed-in user and another user: 60 digits in 12 groups, the same
 * on both sides. When they match (compared in person or over a trusted channel), the user can
 * mark the contact as verified.
 *
 * @csspart title - The heading.
 * @csspart explanation - What to do with the number.
 * @csspart number - The digits.
 * @csspart group - One group of five digits.
 * @csspart verify - The "mark as verified" button.
 * @csspart verified - Shown once verified.
 *
 * @tagname chat-safety-number
 */
export class ChatSafetyNumber extends ParleyElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    css`
      :host {
        display: block;
        padding: var(--_spacing);
      }
      h2 {
        margin: 0 0 var(--_spacing);
        font-size: 1.1em;
      }
      .number {
        display: grid;
        grid-template-columns: repeat(4, auto);
        justify-content: center;
        gap: 6px 14px;
        margin: calc(var(--_spacing) * 2) 0;
        font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
        font-size: 1.15em;
        direction: ltr;
      }
      .verified {
        color: var(--_color-accent);
        font-weight: 700;
      }
    `,
  ];
  static override properties: PropertyDeclarations = {
    ...ParleyElement.properties,
    user: { reflect: true },
    name: {},
    number: {},
    verified: { type: Boolean, reflect: true },
  };

  /** The other user, by id or username. */
  declare user: string;
  /** Their display name (looked up when empty). */
  declare name: string;
  /** The 60 digits; computed from `user` when empty. */
  declare number: string;
  /** Whether the contact has been marked verified here. */
  declare verified: boolean;

  readonly #chat = new StoreController(this, () => this.#load());
  #loadedFor = '';

  constructor() {
    super();
    this.user = '';
    this.name = '';
    this.number = '';
    this.verified = false;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('user')) this.#load();
  }

  override render() {
    const name = this.name || this.#chat.store?.nameOf(this.user) || this.user;
    const groups = this.number.match(/\d{5}/g) ?? [];
    return html`<h2 part="title">${this.t('safetyNumberTitle', { name })}</h2>
      <p part="explanation">${this.t('safetyNumberExplain', { name })}</p>
      ${
        groups.length
          ? html`<p part="number" class="number">
              ${groups.map((g) => html`<span part="group">${g}</span>`)}
            </p>`
          : html`<p role="status">${this.t('loading')}</p>`
      }
      ${
        this.verified
          ? html`<p part="verified" class="verified" role="status">✓ ${this.t('verified')}</p>`
          : groups.length && this.#chat.store
            ? html`<button part="verify" class="button" type="button" @click=${this.#verify}>
                ${this.t('markVerified')}
              </button>`
            : nothing
      }`;
  }

  #load(): void {
    const store = this.#chat.store;
    if (
      !store ||
      !this.user ||
      this.#loadedFor === this.user ||
      store.state.session !== 'signed-in'
    )
      return;
    this.#loadedFor = this.user;
    store.client.safetyNumber(this.user).then(
      (digits) => {
        this.number = digits;
      },
      (error: unknown) => console.warn('[parley] no safety number', error),
    );
  }

  async #verify(): Promise<void> {
    try {
      await this.#chat.store?.client.verifyIdentity(this.user);
      this.verified = true;
    } catch (error) {
      console.warn('[parley] could not verify', error);
    }
  }
}
