import { ChatWidget } from './chat-widget.component.js';

export * from './chat-widget.component.js';
export default ChatWidget;

ChatWidget.define('chat-widget');

declare global {
  interface HTMLElementTagNameMap {
    'chat-widget': ChatWidget;
  }
}
