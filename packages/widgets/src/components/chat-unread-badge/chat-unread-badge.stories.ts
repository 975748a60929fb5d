import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components';

const meta: Meta = {
  title: 'Parts/chat-unread-badge',
  component: 'chat-unread-badge',
  argTypes: { count: { control: 'number' } },
  args: { count: 3 },
  render: (args) => html`<chat-unread-badge count=${Number(args.count)}></chat-unread-badge>`,
};
export default meta;
type Story = StoryObj;

/** A few unread messages. */
export const Few: Story = {};
/** More than 99 shows "99+". */
export const Many: Story = { args: { count: 250 } };
/** Zero renders nothing. */
export const None: Story = { args: { count: 0 } };
/** Custom colours through its properties. */
export const Custom: Story = {
  render: (args) =>
    html`<chat-unread-badge
      style="--badge-background:#b3261e;--badge-color:#fff"
      count=${Number(args.count)}
    ></chat-unread-badge>`,
};
