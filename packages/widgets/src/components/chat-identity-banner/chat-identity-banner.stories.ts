import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components';
import type { IdentityChange } from '@parley/sdk';
import { withProvider } from '../../stories/demo-provider.js';

const change = (userId: string, username: string): IdentityChange => ({
  userId,
  username,
  previousKey: 'AAAA',
  newKey: 'BBBB',
  previouslyVerified: false,
  source: 'directory',
});

const meta: Meta = { title: 'Parts/chat-identity-banner', component: 'chat-identity-banner' };
export default meta;
type Story = StoryObj;

/** A change reported by the client (Bo's key changed), through the provider. */
export const FromClient: Story = {
  render: () =>
    withProvider(html`<chat-identity-banner></chat-identity-banner>`, { identityChange: true }),
};
/** Two changes given as a property. */
export const TwoChanges: Story = {
  render: () =>
    html`<chat-identity-banner
      .changes=${[change('u-bo', 'bo'), change('u-chi', 'chi')]}
    ></chat-identity-banner>`,
};
/** Right to left, in Spanish. */
export const RightToLeft: Story = {
  render: () =>
    html`<div dir="rtl" lang="es">
      <chat-identity-banner .changes=${[change('u-bo', 'bo')]}></chat-identity-banner>
    </div>`,
};
/** No change: renders nothing. */
export const None: Story = {
  render: () => html`<chat-identity-banner .changes=${[]}></chat-identity-banner>`,
};
