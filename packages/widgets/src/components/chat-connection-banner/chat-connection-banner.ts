import { ChatConnectionBanner } from './chat-connection-banner.component.js';

export * from './chat-connection-banner.component.js';
export default ChatConnectionBanner;

ChatConnectionBanner.define('chat-connection-banner');

declare global {
  interface HTMLElementTagNameMap {
    'chat-connection-banner': ChatConnectionBanner;
  }
}
