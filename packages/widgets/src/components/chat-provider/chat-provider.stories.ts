import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components';
import { withProvider } from '../../stories/demo-provider.js';
import type { FrameOptions } from '../../stories/demo-provider.js';
import type { DemoOptions } from '../../stories/demo-client.js';

/** The parts laid out by the page: list beside thread and composer, one provider for all. */
const parts = (options: DemoOptions = {}, frame: FrameOptions = {}) =>
  withProvider(
    html`<chat-connection-banner></chat-connection-banner>
      <chat-identity-banner></chat-identity-banner>
      <div style="display:flex;flex:1;min-height:0">
        <chat-conversation-list style="width:34%;overflow:auto"></chat-conversation-list>
        <div style="display:flex;flex-direction:column;flex:1;min-width:0">
          <chat-thread style="flex:1;min-height:0"></chat-thread>
          <chat-composer></chat-composer>
        </div>
      </div>`,
    options,
    { height: '560px', ...frame },
  );

const meta: Meta = { title: 'Parts/chat-provider', component: 'chat-provider' };
export default meta;
type Story = StoryObj;

/** The parts composed by the host page, sharing one client. */
export const ComposedParts: Story = { render: () => parts({ group: true }) };
/** Signed out: the sign-in form in the provider. */
export const SignedOut: Story = {
  render: () => withProvider(html`<chat-login></chat-login>`, { signedOut: true }, { open: null }),
};
/** No conversation yet. */
export const Empty: Story = { render: () => parts({ empty: true }, { open: null }) };
/** The connection dropped. */
export const Offline: Story = { render: () => parts({ offline: true }) };
/** A contact's key changed: the banner above the parts. */
export const IdentityChanged: Story = { render: () => parts({ identityChange: true }) };
/** The dark theme set on the provider. */
export const Dark: Story = { render: () => parts({}, { theme: 'dark' }) };
/** Right to left, in Spanish. */
export const RightToLeft: Story = { render: () => parts({}, { dir: 'rtl', lang: 'es' }) };
