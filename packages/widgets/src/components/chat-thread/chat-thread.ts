import { ChatThread } from './chat-thread.component.js';

export * from './chat-thread.component.js';
export default ChatThread;

ChatThread.define('chat-thread');

declare global {
  interface HTMLElementTagNameMap {
    'chat-thread': ChatThread;
  }
}
