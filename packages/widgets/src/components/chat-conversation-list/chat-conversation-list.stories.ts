import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components';
import { withProvider } from '../../stories/demo-provider.js';
import type { FrameOptions } from '../../stories/demo-provider.js';
import type { DemoOptions } from '../../stories/demo-client.js';

const meta: Meta = { title: 'Parts/chat-conversation-list', component: 'chat-conversation-list' };
export default meta;
type Story = StoryObj;

const list = (options: DemoOptions = {}, frame: FrameOptions = {}) =>
  withProvider(
    html`<chat-conversation-list style="max-width:360px"></chat-conversation-list>`,
    options,
    { open: null, ...frame },
  );

/** Direct chats and a group: previews, times, presence, an unread badge. */
export const Default: Story = { render: () => list({ group: true }) };
/** No conversation yet. */
export const Empty: Story = { render: () => list({ empty: true }) };
/** The stored session is still resuming. */
export const Loading: Story = { render: () => list({ starting: true }) };
/** One conversation open (highlighted). */
export const WithSelection: Story = { render: () => list({}, { open: 'c1' }) };
/** The dark theme. */
export const Dark: Story = { render: () => list({ group: true }, { theme: 'dark' }) };
/** Right to left, in Spanish. */
export const RightToLeft: Story = {
  render: () => list({ group: true }, { dir: 'rtl', lang: 'es' }),
};
