import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components';
import { withProvider } from '../../stories/demo-provider.js';
import type { FrameOptions } from '../../stories/demo-provider.js';
import type { DemoOptions } from '../../stories/demo-client.js';

const meta: Meta = { title: 'Parts/chat-group-members', component: 'chat-group-members' };
export default meta;
type Story = StoryObj;

const members = (options: DemoOptions = {}, frame: FrameOptions = {}) =>
  withProvider(
    html`<chat-group-members style="max-width:420px"></chat-group-members>`,
    { group: true, ...options },
    { open: 'g1', ...frame },
  );

/** Ana is the group's admin: she can remove members and add people (search "b" or "c"). */
export const Admin: Story = { render: () => members() };
/** Every change fails (`forbidden`): remove someone to see the error. */
export const ChangeFails: Story = { render: () => members({ failWith: 'forbidden' }) };
/** The dark theme. */
export const Dark: Story = { render: () => members({}, { theme: 'dark' }) };
/** Right to left, in Spanish. */
export const RightToLeft: Story = { render: () => members({}, { dir: 'rtl', lang: 'es' }) };
