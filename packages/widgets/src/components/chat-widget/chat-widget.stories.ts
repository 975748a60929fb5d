import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components';
import { demoStore } from '../../stories/demo-client.js';
import type { DemoOptions } from '../../stories/demo-client.js';
import type { ChatStore } from '../../state/chat-store.js';

/** Renders a widget over a demo store (the store is handed to the widget's context). */
function withDemo(
  options: DemoOptions,
  attrs: { theme?: string; mode?: string; dir?: string; lang?: string } = {},
) {
  const store = demoStore(options);
  // Open the first conversation once the widget has made its own store from the client.
  setTimeout(() => {
    const widget = document.querySelector('chat-widget') as unknown as { store: ChatStore | null };
    if (!options.empty) void widget?.store?.open('c1');
  }, 100);
  return html`<div style="height:560px" dir=${attrs.dir ?? 'ltr'} lang=${attrs.lang ?? 'en'}>
    <chat-widget
      mode=${attrs.mode ?? 'inline'}
      theme=${attrs.theme ?? 'light'}
      .client=${(store as ChatStore).client}
      ?open=${attrs.mode === 'launcher'}
    ></chat-widget>
  </div>`;
}

const meta: Meta = {
  title: 'Widget/chat-widget',
  component: 'chat-widget',
};
export default meta;

type Story = StoryObj;

/** Signed out: the sign-in form (no server behind it here). */
export const SignIn: Story = {
  render: () =>
    html`<div style="height:520px"><chat-widget server="https://chat.invalid"></chat-widget></div>`,
};
/** Signed in, no conversation yet. */
export const Empty: Story = { render: () => withDemo({ empty: true }) };
/** Resuming a stored session (the store is still starting). */
export const Loading: Story = {
  render: () => html`<div style="height:320px"><chat-widget></chat-widget></div>`,
};
/** A conversation list and an open thread. */
export const Inbox: Story = { render: () => withDemo({}, { mode: 'inbox' }) };
/** Two hundred messages. */
export const LongThread: Story = { render: () => withDemo({ messages: 200 }, { mode: 'inbox' }) };
/** Messages that cannot be decrypted, with the reason. */
export const Undecryptable: Story = {
  render: () => withDemo({ undecryptable: true }, { mode: 'inbox' }),
};
/** The connection dropped: "Reconnecting…". */
export const Offline: Story = { render: () => withDemo({ offline: true }) };
/** Right to left, in Spanish. */
export const RightToLeft: Story = {
  render: () => withDemo({}, { dir: 'rtl', lang: 'es', mode: 'inbox' }),
};
/** The dark theme. */
export const Dark: Story = { render: () => withDemo({}, { theme: 'dark', mode: 'inbox' }) };
/** The launcher, open. */
export const Launcher: Story = { render: () => withDemo({}, { mode: 'launcher' }) };
/** A contact's key changed: the warning above the conversation. */
export const IdentityChanged: Story = {
  render: () => withDemo({ identityChange: true }, { mode: 'inbox' }),
};
/** A group in the list (open it to manage its members). */
export const Group: Story = { render: () => withDemo({ group: true }, { mode: 'inbox' }) };
/** Narrow, as on a 320 px phone. */
export const Phone: Story = {
  render: () => html`<div style="width:320px">${withDemo({})}</div>`,
};
