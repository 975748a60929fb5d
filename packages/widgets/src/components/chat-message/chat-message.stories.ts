import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components';
import type { Message } from '@parley/sdk';

const base: Message = {
  id: 'm1',
  clientMsgId: null,
  conversationId: 'c1',
  sender: 'u-bo',
  text: 'Hello! The plan is at https://example.com/plan — see you there.',
  attachments: [],
  ts: Date.now(),
  seq: 1,
  status: 'sent',
};

const meta: Meta = { title: 'Parts/chat-message', component: 'chat-message' };
export default meta;
type Story = StoryObj;

const show = (message: Message, mine = false, delivery?: string) =>
  html`<chat-message
    .message=${message}
    sender-name="Bo"
    ?mine=${mine}
    .delivery=${delivery}
  ></chat-message>`;

export const Received: Story = { render: () => show(base) };
export const SentAndRead: Story = { render: () => show({ ...base, sender: 'u-me' }, true, 'read') };
export const Pending: Story = {
  render: () => show({ ...base, sender: 'u-me', status: 'pending', seq: null }, true),
};
export const Failed: Story = {
  render: () => show({ ...base, sender: 'u-me', status: 'failed', error: 'forbidden' }, true),
};
export const Undecryptable: Story = {
  render: () => show({ ...base, text: '', status: 'undecryptable', reason: 'aead_fail' }),
};
export const MarkupStaysText: Story = {
  render: () => show({ ...base, text: '<img src=x onerror=alert(1)> <b>not bold</b>' }),
};
export const InGroup: Story = {
  render: () => html`<chat-message .message=${base} sender-name="Bo" show-sender></chat-message>`,
};
export const LongText: Story = {
  render: () =>
    show({ ...base, text: `${'A long line without breaks '.repeat(30)}\nand a new line.` }),
};
export const RightToLeft: Story = {
  render: () =>
    html`<div dir="rtl" lang="es">${show({ ...base, sender: 'u-me' }, true, 'read')}</div>`,
};
export const Dark: Story = {
  render: () =>
    html`<chat-provider theme="dark"
      ><div style="background:#16181d;padding:8px">
        ${show(base)} ${show({ ...base, id: 'm2', sender: 'u-me' }, true, 'read')}
      </div></chat-provider
    >`,
};
