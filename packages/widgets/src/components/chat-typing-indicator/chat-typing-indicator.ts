import { ChatTypingIndicator } from './chat-typing-indicator.component.js';

export * from './chat-typing-indicator.component.js';
export default ChatTypingIndicator;

ChatTypingIndicator.define('chat-typing-indicator');

declare global {
  interface HTMLElementTagNameMap {
    'chat-typing-indicator': ChatTypingIndicator;
  }
}
