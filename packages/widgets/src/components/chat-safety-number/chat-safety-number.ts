import { ChatSafetyNumber } from './chat-safety-number.component.js';

export * from './chat-safety-number.component.js';
export default ChatSafetyNumber;

ChatSafetyNumber.define('chat-safety-number');

declare global {
  interface HTMLElementTagNameMap {
    'chat-safety-number': ChatSafetyNumber;
  }
}
