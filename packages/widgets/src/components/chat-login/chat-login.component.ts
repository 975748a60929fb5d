import { html, nothing } from 'lit';
import type { PropertyDeclarations } from 'lit';
import type { StringKey } from '../../i18n/en.js';
import { errorCode, errorField } from '../../internal/error-code.js';
import { ParleyElement } from '../../internal/parley-element.js';
import { StoreController } from '../../internal/store-controller.js';
import { baseStyles, buttonStyles } from '../../styles/tokens.js';
import { styles } from './chat-login.styles.js';

const ERROR_KEYS: Readonly<Record<string, StringKey>> = {
  unauthorized: 'errorUnauthorized',
  username_taken: 'errorUsernameTaken',
  rate_limited: 'errorRateLimited',
  network_error: 'errorNetwork',
};

/**
 * Sign in, or create an account. While the password is stretched with Argon2id (a second or
 * two, by design) a progress bar shows how far it got. Needs a `<chat-provider>` (or
 * `<chat-widget>`) above it.
 *
 * @event chat-signed-in - Signed in or registered; `detail.user` is the user.
 *
 * @csspart form - The form.
 * @csspart title - Its heading.
 * @csspart field - Each label with its input.
 * @csspart input - Each input.
 * @csspart submit - The submit button.
 * @csspart switch - The button that switches between sign-in and registration.
 * @csspart progress - The progress indicator while the password is stretched.
 * @csspart error - The error message.
 *
 * @cssproperty --form-max-width - Widest the form gets. Default `360px`.
 *
 * @tagname chat-login
 */
export class ChatLogin extends ParleyElement {
  static override styles = [baseStyles, buttonStyles, styles];
  static override properties: PropertyDeclarations = {
    ...ParleyElement.properties,
    mode: { reflect: true },
    busy: { state: true },
    progress: { state: true },
    error: { state: true },
  };

  /** `login` (default) or `register`. */
  declare mode: 'login' | 'register';
  declare private busy: boolean;
  declare private progress: number;
  declare private error: string;

  readonly #chat = new StoreController(this);

  constructor() {
    super();
    this.mode = 'login';
    this.busy = false;
    this.progress = 0;
    this.error = '';
  }

  override render() {
    const register = this.mode === 'register';
    const resuming = this.#chat.store?.state.session === 'starting';
    const title = this.t(register ? 'registerTitle' : 'signInTitle');
    return html`<form
      part="form"
      aria-labelledby="title"
      novalidate
      @submit=${this.#submit}
      @focusin=${this.#prepare}
    >
      <h2 part="title" id="title">${title}</h2>
      <label part="field"
        >${this.t('username')}
        <input
          part="input"
          name="username"
          autocomplete="username"
          autocapitalize="none"
          spellcheck="false"
          required
          minlength="3"
          maxlength="32"
          ?disabled=${this.busy}
      /></label>
      ${
        register
          ? html`<label part="field"
              >${this.t('displayName')}
              <input
                part="input"
                name="displayName"
                autocomplete="nickname"
                maxlength="64"
                ?disabled=${this.busy}
            /></label>`
          : nothing
      }
      <label part="field"
        >${this.t('password')}
        <input
          part="input"
          name="password"
          type="password"
          autocomplete=${register ? 'new-password' : 'current-password'}
          required
          ?disabled=${this.busy}
      /></label>
      ${this.error ? html`<p part="error" class="error" role="alert">${this.error}</p>` : nothing}
      ${
        this.busy || resuming
          ? html`<div part="progress" class="progress" role="status">
              <span id="progress-label">${this.t(resuming ? 'resuming' : 'stretching')}</span>
              <progress
                aria-labelledby="progress-label"
                max="1"
                .value=${resuming ? null : this.progress}
              ></progress>
            </div>`
          : nothing
      }
      <button
        part="submit"
        class="button"
        type="submit"
        ?disabled=${this.busy || !this.#chat.store}
      >
        ${this.t(register ? 'register' : 'signIn')}
      </button>
      <button
        part="switch"
        class="switch"
        type="button"
        ?disabled=${this.busy}
        @click=${this.#toggle}
      >
        ${this.t(register ? 'switchToSignIn' : 'switchToRegister')}
      </button>
    </form>`;
  }

  #prepare(): void {
    // Start loading the SDK while the user types, so signing in does not wait for it.
    this.#chat.store?.ready().catch(() => {});
  }

  #toggle(): void {
    this.mode = this.mode === 'register' ? 'login' : 'register';
    this.error = '';
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const store = this.#chat.store;
    const form = event.currentTarget as HTMLFormElement;
    if (!store || this.busy) return;
    const data = new FormData(form);
    const username = String(data.get('username') ?? '').trim();
    const password = String(data.get('password') ?? '');
    if (!username || !password) {
      this.error = this.t('errorInvalid', { field: this.t(username ? 'password' : 'username') });
      return;
    }
    this.busy = true;
    this.progress = 0;
    this.error = '';
    try {
      const user = await store.signIn({
        mode: this.mode,
        username,
        password,
        displayName: String(data.get('displayName') ?? '').trim(),
        onProgress: (fraction) => {
          this.progress = fraction;
        },
      });
      form.reset();
      this.emit('chat-signed-in', { user });
    } catch (error) {
      this.error = this.#message(error);
    } finally {
      this.busy = false;
    }
  }

  #message(error: unknown): string {
    const code = errorCode(error);
    const key = ERROR_KEYS[code];
    if (key) return this.t(key);
    if (code === 'invalid_input') {
      const field = errorField(error) ?? 'username';
      return this.t('errorInvalid', {
        field: field === 'password' ? this.t('password') : this.t('username'),
      });
    }
    return this.t('errorGeneric', { code });
  }
}
