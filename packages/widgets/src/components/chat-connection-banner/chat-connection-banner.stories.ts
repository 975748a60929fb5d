import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components';

const meta: Meta = {
  title: 'Parts/chat-connection-banner',
  component: 'chat-connection-banner',
  argTypes: {
    state: { control: 'select', options: ['online', 'connecting', 'reconnecting', 'offline'] },
  },
  args: { state: 'offline' },
  render: (args) =>
    html`<chat-connection-banner state=${String(args.state)}></chat-connection-banner>`,
};
export default meta;
type Story = StoryObj;

export const Offline: Story = {};
export const Reconnecting: Story = { args: { state: 'reconnecting' } };
export const Connecting: Story = { args: { state: 'connecting' } };
/** Online: renders nothing. */
export const Online: Story = { args: { state: 'online' } };
export const RightToLeft: Story = {
  render: (args) =>
    html`<div dir="rtl" lang="es">
      <chat-connection-banner state=${String(args.state)}></chat-connection-banner>
    </div>`,
};
