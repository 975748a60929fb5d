import { ChatFile } from './chat-file.component.js';

export * from './chat-file.component.js';
export default ChatFile;

ChatFile.define('chat-file');

declare global {
  interface HTMLElementTagNameMap {
    'chat-file': ChatFile;
  }
}
