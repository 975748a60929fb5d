import { ChatProvider } from './chat-provider.component.js';

export * from './chat-provider.component.js';
export default ChatProvider;

ChatProvider.define('chat-provider');

declare global {
  interface HTMLElementTagNameMap {
    'chat-provider': ChatProvider;
  }
}
