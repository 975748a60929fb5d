/**
 * Renders parts inside a `<chat-provider>` over the stand-in client, so a part's story shows it
 * the way a page composes it. Stories only.
 */
import { html } from 'lit';
import type { LitElement, TemplateResult } from 'lit';
import { ref } from 'lit/directives/ref.js';
import { demoClient } from './demo-client.js';
import type { DemoOptions } from './demo-client.js';
import type { ChatStore } from '../state/chat-store.js';

/** How the frame around the provider looks. */
export interface FrameOptions {
  /** The conversation to open once the store has started (`null`: none). Default `c1`. */
  open?: string | null;
  /** `light` (default) or `dark`. */
  theme?: 'light' | 'dark';
  /** `ltr` (default) or `rtl`. */
  dir?: 'ltr' | 'rtl';
  /** Language of the frame. Default `en`. */
  lang?: string;
  /** CSS height of the frame. Default `auto`. */
  height?: string;
}

/** `content` inside a `<chat-provider>` over a {@link demoClient} made with `options`. */
export function withProvider(
  content: TemplateResult,
  options: DemoOptions = {},
  frame: FrameOptions = {},
): TemplateResult {
  const client = demoClient(options);
  const open = frame.open === undefined ? 'c1' : frame.open;
  let done = false;
  const opened = async (el: Element | undefined) => {
    if (!el || open === null || done) return;
    done = true;
    // The provider makes its store in its first update; open once the session has "resumed".
    await customElements.whenDefined('chat-provider');
    await (el as LitElement).updateComplete;
    const store = (el as { store?: ChatStore | null }).store;
    await store?.start();
    await store?.open(open);
  };
  const dark = frame.theme === 'dark';
  return html`<div
    dir=${frame.dir ?? 'ltr'}
    lang=${frame.lang ?? 'en'}
    style="height:${frame.height ?? 'auto'};display:flex;flex-direction:column;${
      dark ? 'background:#16181d;' : ''
    }"
  >
    <chat-provider
      theme=${frame.theme ?? 'light'}
      .client=${client}
      ${ref((el) => void opened(el))}
    >
      ${content}
    </chat-provider>
  </div>`;
}
