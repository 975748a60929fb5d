import { html } from 'lit';
import type { Meta, StoryObj } from '@storybook/web-components';
import { withProvider } from '../../stories/demo-provider.js';
import type { FrameOptions } from '../../stories/demo-provider.js';
import type { DemoOptions } from '../../stories/demo-client.js';

const meta: Meta = {
  title: 'Parts/chat-login',
  component: 'chat-login',
  argTypes: { mode: { control: 'select', options: ['login', 'register'] } },
  args: { mode: 'login' },
};
export default meta;
type Story = StoryObj;

const login = (mode: unknown, options: DemoOptions = {}, frame: FrameOptions = {}) =>
  withProvider(
    html`<chat-login mode=${String(mode)}></chat-login>`,
    { signedOut: true, ...options },
    { open: null, ...frame },
  );

/** Signing in (the stand-in client accepts any name and password). */
export const SignIn: Story = { render: (args) => login(args.mode) };
/** Creating an account. */
export const Register: Story = { args: { mode: 'register' }, render: (args) => login(args.mode) };
/** Every attempt fails with `unauthorized`: submit the form to see the error. */
export const WrongPassword: Story = {
  render: (args) => login(args.mode, { failWith: 'unauthorized' }),
};
/** The dark theme. */
export const Dark: Story = { render: (args) => login(args.mode, {}, { theme: 'dark' }) };
/** Right to left, in Spanish. */
export const RightToLeft: Story = {
  render: (args) => login(args.mode, {}, { dir: 'rtl', lang: 'es' }),
};
