import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components';
import { ref } from 'lit/directives/ref.js';
import { withProvider } from '../../stories/demo-provider.js';
import type { FrameOptions } from '../../stories/demo-provider.js';
import type { DemoOptions } from '../../stories/demo-client.js';
import type { ChatNewConversation } from './chat-new-conversation.component.js';

const meta: Meta = {
  title: 'Parts/chat-new-conversation',
  component: 'chat-new-conversation',
  argTypes: { kind: { control: 'select', options: ['direct', 'group'] } },
  args: { kind: 'direct' },
};
export default meta;
type Story = StoryObj;

/** The dialog, opened once rendered (search "b" or "c" to find people). */
const dialog = (kind: unknown, options: DemoOptions = {}, frame: FrameOptions = {}) => {
  const opened = (el: Element | undefined) => {
    if (el) void (el as ChatNewConversation).show();
  };
  return withProvider(
    html`<button
        type="button"
        @click=${(e: Event) => {
          const host = (e.target as HTMLElement).nextElementSibling as ChatNewConversation;
          void host.show();
        }}
      >
        Open the dialog
      </button>
      <chat-new-conversation kind=${String(kind)} ${ref(opened)}></chat-new-conversation>`,
    options,
    { open: null, height: '420px', ...frame },
  );
};

/** Start a direct chat: search, pick one person. */
export const Direct: Story = { render: (args) => dialog(args.kind) };
/** Start a group: pick several people and give it a title. */
export const Group: Story = { args: { kind: 'group' }, render: (args) => dialog(args.kind) };
/** Searching fails (`rate_limited`): type to see the error. */
export const SearchFails: Story = {
  render: (args) => dialog(args.kind, { failWith: 'rate_limited' }),
};
/** The dark theme. */
export const Dark: Story = { render: (args) => dialog(args.kind, {}, { theme: 'dark' }) };
/** Right to left, in Spanish. */
export const RightToLeft: Story = {
  render: (args) => dialog(args.kind, {}, { dir: 'rtl', lang: 'es' }),
};
