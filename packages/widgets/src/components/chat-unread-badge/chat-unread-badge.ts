import { ChatUnreadBadge } from './chat-unread-badge.component.js';

export * from './chat-unread-badge.component.js';
export default ChatUnreadBadge;

ChatUnreadBadge.define('chat-unread-badge');

declare global {
  interface HTMLElementTagNameMap {
    'chat-unread-badge': ChatUnreadBadge;
  }
}
