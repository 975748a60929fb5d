import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components';
import { withProvider } from '../../stories/demo-provider.js';
import type { FrameOptions } from '../../stories/demo-provider.js';
import type { DemoOptions } from '../../stories/demo-client.js';

const meta: Meta = { title: 'Parts/chat-composer', component: 'chat-composer' };
export default meta;
type Story = StoryObj;

/** The composer under its thread, so a sent message shows. */
const composer = (options: DemoOptions = {}, frame: FrameOptions = {}) =>
  withProvider(
    html`<chat-thread style="flex:1;min-height:0"></chat-thread> <chat-composer></chat-composer>`,
    { messages: 3, ...options },
    { height: '360px', ...frame },
  );

/** Enter sends, Shift+Enter starts a new line. */
export const Default: Story = { render: () => composer() };
/** Offline: messages are queued and sent on reconnect. */
export const Offline: Story = { render: () => composer({ offline: true }) };
/** Sending fails (`forbidden`): send something to see the error; the text is kept. */
export const SendFails: Story = { render: () => composer({ failWith: 'forbidden' }) };
/** No conversation open: nothing to write to. */
export const NoConversation: Story = { render: () => composer({}, { open: null }) };
/** The dark theme. */
export const Dark: Story = { render: () => composer({}, { theme: 'dark' }) };
/** Right to left, in Spanish. */
export const RightToLeft: Story = { render: () => composer({}, { dir: 'rtl', lang: 'es' }) };
