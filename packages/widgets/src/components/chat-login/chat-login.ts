import { ChatLogin } from './chat-login.component.js';

export * from './chat-login.component.js';
export default ChatLogin;

ChatLogin.define('chat-login');

declare global {
  interface HTMLElementTagNameMap {
    'chat-login': ChatLogin;
  }
}
