import { ChatMessage } from './chat-message.component.js';

export * from './chat-message.component.js';
export default ChatMessage;

ChatMessage.define('chat-message');

declare global {
  interface HTMLElementTagNameMap {
    'chat-message': ChatMessage;
  }
}
