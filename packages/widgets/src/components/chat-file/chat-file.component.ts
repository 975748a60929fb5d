import { html, nothing } from 'lit';
import type { PropertyDeclarations, PropertyValues } from 'lit';
import type { Attachment } from '@parley/sdk';
import { errorCode } from '../../internal/error-code.js';
import { formatFileSize } from '../../internal/file-size.js';
import { downloadIcon, fileIcon } from '../../internal/icons.js';
import { ParleyElement } from '../../internal/parley-element.js';
import { baseStyles, buttonStyles } from '../../styles/tokens.js';
import { styles } from './chat-file.styles.js';

type Phase = 'idle' | 'loading' | 'shown' | 'tampered' | 'failed';

// How long a downloaded file's blob URL outlives the click: the browser resolves it when the
// download starts, which is not synchronous with click() in every engine.
const REVOKE_AFTER_MS = 1_000;

/**
 * One file of a message. An image is shown inline once decrypted (its thumbnail first, then the
 * full image), from a `blob:` URL that is revoked when the element leaves the page or shows
 * another file; loading starts when the element comes near the viewport. Any file gets a card
 * with its name, its size (in the page's language) and a download button that decrypts it and
 * saves it through a temporary `<a download>`. A file that fails its integrity check (tampered
 * or truncated) shows a clear error and nothing of its content.
 *
 * @csspart file - The whole file block.
 * @csspart image - The decrypted image (images only).
 * @csspart placeholder - The box shown while an image loads.
 * @csspart card - The row with the icon, name, size and download button.
 * @csspart icon - The file icon (other files).
 * @csspart name - The file name.
 * @csspart size - The file size.
 * @csspart download - The download button.
 * @csspart error - The error (integrity check failed, or the file could not be loaded).
 * @csspart retry - The button that tries loading again after an error that was not tampering.
 *
 * @cssproperty --image-max-height - Tallest an inline image gets. Default `240px`.
 *
 * @tagname chat-file
 */
export class ChatFile extends ParleyElement {
  static override styles = [baseStyles, buttonStyles, styles];
  static override properties: PropertyDeclarations = {
    ...ParleyElement.properties,
    attachment: { attribute: false },
    src: { state: true },
    phase: { state: true },
    code: { state: true },
    downloading: { state: true },
  };

  /** The attachment to show (`message.attachments[i]` from the SDK). */
  declare attachment: Attachment | undefined;
  declare private src: string;
  declare private phase: Phase;
  declare private code: string;
  declare private downloading: boolean;

  #url: string | undefined;
  #full: Blob | undefined;
  #controller: AbortController | undefined;
  #observer: IntersectionObserver | undefined;
  #shownKey: string | undefined;

  constructor() {
    super();
    this.src = '';
    this.phase = 'idle';
    this.code = '';
    this.downloading = false;
  }

  /** The `blob:` URL of the image shown, if any (revoked once no longer shown). */
  get objectUrl(): string | undefined {
    return this.#url;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Back in the page after a move: load again (everything was released on the way out).
    if (this.#shownKey !== undefined) this.#watch();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#release();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('attachment')) return;
    const key = keyOf(this.attachment);
    if (key === this.#shownKey) return;
    // Lit reuses message elements: a different file here must never show the previous one.
    this.#release();
    this.#shownKey = key;
    this.#watch();
  }

  override render() {
    const a = this.attachment;
    if (!a) return nothing;
    const name = a.name ?? this.t('unnamedFile');
    const tampered = this.phase === 'tampered';
    return html`<div part="file" class="file ${a.isImage ? 'is-image' : ''}">
      ${a.isImage && !tampered ? this.#image(a, name) : nothing}
      <div part="card" class="card">
        ${a.isImage ? nothing : html`<span part="icon" class="icon">${fileIcon}</span>`}
        <span class="info">
          <span part="name" class="name">${name}</span>
          <span part="size" class="size">${formatFileSize(a.size, this.language)}</span>
        </span>
        ${
          tampered
            ? nothing
            : html`<button
                part="download"
                class="icon-button download"
                type="button"
                aria-label=${this.t('downloadFile', { name })}
                aria-busy=${this.downloading ? 'true' : 'false'}
                ?disabled=${this.downloading}
                @click=${this.#download}
              >
                ${downloadIcon}
                ${this.downloading ? html`<span class="busy">${this.t('decrypting')}</span>` : nothing}
              </button>`
        }
      </div>
      ${this.#error()}
    </div>`;
  }

  #image(a: Attachment, name: string) {
    const t = a.thumbnail;
    const ratio = t && t.width > 0 && t.height > 0 ? `aspect-ratio: ${t.width} / ${t.height}` : '';
    if (this.src) return html`<img part="image" class="image" src=${this.src} alt=${name} />`;
    if (this.phase === 'failed') return nothing;
    return html`<div
      part="placeholder"
      class="placeholder"
      style=${ratio}
      role="img"
      aria-label=${this.t('loadingImage', { name })}
    ></div>`;
  }

  #error() {
    if (this.phase === 'tampered') {
      return html`<p part="error" class="error" role="note">${this.t('fileTampered')}</p>`;
    }
    if (this.phase !== 'failed') return nothing;
    return html`<p part="error" class="error" role="note">
      ${this.t('fileUnavailable', { code: this.code })}
      <button part="retry" class="retry" type="button" @click=${this.#retry}>
        ${this.t('tryAgain')}
      </button>
    </p>`;
  }

  /** Starts loading an image once it comes near the viewport. */
  #watch(): void {
    const a = this.attachment;
    if (!a?.isImage || !this.isConnected) return;
    if (typeof IntersectionObserver === 'undefined') return void this.#load(a);
    this.#observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        this.#observer?.disconnect();
        this.#observer = undefined;
        void this.#load(a);
      },
      { rootMargin: '300px' },
    );
    this.#observer.observe(this);
  }

  async #load(a: Attachment): Promise<void> {
    const controller = new AbortController();
    this.#controller = controller;
    const { signal } = controller;
    this.phase = 'loading';
    try {
      if (a.thumbnail) {
        const thumb = await a.downloadThumbnail({ signal });
        if (thumb && !signal.aborted) this.#show(toBlob(thumb, a.thumbnail.descriptor.mime));
      }
      const full = toBlob(await a.download({ signal }), a.type);
      if (signal.aborted) return;
      this.#full = full;
      this.#show(full);
      this.phase = 'shown';
    } catch (error) {
      if (signal.aborted) return;
      this.#fail(error);
    }
  }

  #show(blob: Blob): void {
    const previous = this.#url;
    this.#url = URL.createObjectURL(blob);
    this.src = this.#url;
    if (previous) URL.revokeObjectURL(previous);
  }

  #fail(error: unknown): void {
    this.code = errorCode(error);
    this.phase = this.code === 'decryption_failed' ? 'tampered' : 'failed';
    // Never leave part of a file that failed on screen (a thumbnail of a tampered image).
    if (this.phase === 'tampered') this.#revoke();
  }

  async #download(): Promise<void> {
    const a = this.attachment;
    if (!a || this.downloading) return;
    this.downloading = true;
    try {
      const blob = this.#full ?? toBlob(await a.download(), a.type);
      if (a !== this.attachment) return;
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = a.name ?? this.t('unnamedFile');
      link.hidden = true;
      this.renderRoot.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
    } catch (error) {
      if (a === this.attachment) this.#fail(error);
    } finally {
      this.downloading = false;
    }
  }

  #retry(): void {
    const a = this.attachment;
    if (!a) return;
    this.phase = 'idle';
    if (a.isImage) void this.#load(a);
    else void this.#download();
  }

  /** Stops loading and revokes the URL: the element left the page or shows another file. */
  #release(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
    this.#controller?.abort();
    this.#controller = undefined;
    this.#full = undefined;
    this.#revoke();
    this.phase = 'idle';
    this.code = '';
  }

  #revoke(): void {
    if (this.#url) URL.revokeObjectURL(this.#url);
    this.#url = undefined;
    this.src = '';
  }
}

function keyOf(a: Attachment | undefined): string | undefined {
  return a ? `${a.id}:${a.descriptor.sha256}` : undefined;
}

function toBlob(data: Blob | Uint8Array, type: string): Blob {
  return data instanceof Blob ? data : new Blob([data as BlobPart], { type });
}
