import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components';
import { withProvider } from '../../stories/demo-provider.js';

const NUMBER = '305178941206625134897701549328811403267594380015762293048176';

const meta: Meta = {
  title: 'Parts/chat-safety-number',
  component: 'chat-safety-number',
  argTypes: { verified: { control: 'boolean' } },
  args: { verified: false },
  render: (args) =>
    html`<chat-safety-number
      user="u-bo"
      name="Bo Lindqvist"
      number=${NUMBER}
      ?verified=${Boolean(args.verified)}
    ></chat-safety-number>`,
};
export default meta;
type Story = StoryObj;

/** Not compared yet. */
export const Unverified: Story = {};
/** Marked verified after comparing. */
export const Verified: Story = { args: { verified: true } };
/** Computed by the client from `user` (name looked up too). */
export const FromClient: Story = {
  render: () =>
    withProvider(html`<chat-safety-number user="u-bo"></chat-safety-number>`, {}, { open: null }),
};
/** Right to left, in Spanish: the digits stay left to right. */
export const RightToLeft: Story = {
  render: () =>
    html`<div dir="rtl" lang="es">
      <chat-safety-number user="u-bo" name="Bo Lindqvist" number=${NUMBER}></chat-safety-number>
    </div>`,
};
