import { ChatGroupMembers } from './chat-group-members.component.js';

export * from './chat-group-members.component.js';
export default ChatGroupMembers;

ChatGroupMembers.define('chat-group-members');

declare global {
  interface HTMLElementTagNameMap {
    'chat-group-members': ChatGroupMembers;
  }
}
