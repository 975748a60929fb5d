import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components';

const meta: Meta = { title: 'Parts/chat-typing-indicator', component: 'chat-typing-indicator' };
export default meta;
type Story = StoryObj;

const show = (names: string[], dir = 'ltr', lang = 'en') =>
  html`<div dir=${dir} lang=${lang}>
    <chat-typing-indicator .names=${names}></chat-typing-indicator>
  </div>`;

/** One person typing. */
export const One: Story = { render: () => show(['Bo']) };
/** Two people typing. */
export const Two: Story = { render: () => show(['Bo', 'Chidi']) };
/** Three or more: "Several people are typing". */
export const Several: Story = { render: () => show(['Bo', 'Chidi', 'Dee']) };
/** Nobody typing: an empty live region. */
export const Nobody: Story = { render: () => show([]) };
/** Right to left, in Spanish. */
export const RightToLeft: Story = { render: () => show(['Bo'], 'rtl', 'es') };
