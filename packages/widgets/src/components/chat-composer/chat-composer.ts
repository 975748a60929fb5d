import { ChatComposer } from './chat-composer.component.js';

export * from './chat-composer.component.js';
export default ChatComposer;

ChatComposer.define('chat-composer');

declare global {
  interface HTMLElementTagNameMap {
    'chat-composer': ChatComposer;
  }
}
