import { ChatConversationList } from './chat-conversation-list.component.js';

export * from './chat-conversation-list.component.js';
export default ChatConversationList;

ChatConversationList.define('chat-conversation-list');

declare global {
  interface HTMLElementTagNameMap {
    'chat-conversation-list': ChatConversationList;
  }
}
