import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components';
import { withProvider } from '../../stories/demo-provider.js';
import type { FrameOptions } from '../../stories/demo-provider.js';
import type { DemoOptions } from '../../stories/demo-client.js';

const meta: Meta = { title: 'Parts/chat-thread', component: 'chat-thread' };
export default meta;
type Story = StoryObj;

const thread = (options: DemoOptions = {}, frame: FrameOptions = {}) =>
  withProvider(html`<chat-thread style="flex:1;min-height:0"></chat-thread>`, options, {
    height: '480px',
    ...frame,
  });

/** A dozen messages with links, delivery states and Bo typing. */
export const Default: Story = { render: () => thread() };
/** A conversation without messages yet. */
export const Empty: Story = { render: () => thread({ messages: 0 }) };
/** No conversation chosen (or still loading). */
export const NoConversation: Story = { render: () => thread({}, { open: null }) };
/** Two hundred messages, scrolled to the end. */
export const LongThread: Story = { render: () => thread({ messages: 200 }) };
/** Messages that cannot be decrypted, each with the reason. */
export const Undecryptable: Story = { render: () => thread({ undecryptable: true }) };
/** A group: sender names above the others' messages. */
export const Group: Story = { render: () => thread({ group: true }, { open: 'g1' }) };
/** The dark theme. */
export const Dark: Story = { render: () => thread({}, { theme: 'dark' }) };
/** Right to left, in Spanish. */
export const RightToLeft: Story = { render: () => thread({}, { dir: 'rtl', lang: 'es' }) };
