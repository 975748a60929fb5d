import { ChatNewConversation } from './chat-new-conversation.component.js';

export * from './chat-new-conversation.component.js';
export default ChatNewConversation;

ChatNewConversation.define('chat-new-conversation');

declare global {
  interface HTMLElementTagNameMap {
    'chat-new-conversation': ChatNewConversation;
  }
}
