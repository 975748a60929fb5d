import { ChatIdentityBanner } from './chat-identity-banner.component.js';

export * from './chat-identity-banner.component.js';
export default ChatIdentityBanner;

ChatIdentityBanner.define('chat-identity-banner');

declare global {
  interface HTMLElementTagNameMap {
    'chat-identity-banner': ChatIdentityBanner;
  }
}
