/**
 * @parley/widgets — Lit web components for Parley: the classes, their events, the store they
 * share and the string tables. Importing this module registers nothing; import
 * `@parley/widgets/define` for the default tag names, or call `SomeClass.define('my-tag')`.
 */
export { ParleyElement } from './internal/parley-element.js';
export { ChatEvent } from './internal/events.js';
export type { ChatEventDetails, ChatEventName } from './internal/events.js';
export { chatStoreContext } from './internal/context.js';
export { ChatStore } from './state/chat-store.js';
export type {
  ChatConnection,
  ChatSessionState,
  ChatState,
  SignInInput,
} from './state/chat-store.js';
export { UploadQueue } from './state/upload-queue.js';
export type { Upload, UploadResult } from './state/upload-queue.js';
export { formatFileSize } from './internal/file-size.js';
export { linkify, safeHref } from './internal/linkify.js';
export type { TextSegment } from './internal/linkify.js';
export { en } from './i18n/en.js';
export type { ChatStrings, StringKey } from './i18n/en.js';
export { es } from './i18n/es.js';
export { format, registerTranslation } from './i18n/translations.js';
export { DARK, LIGHT } from './styles/tokens.js';
export type { TokenName } from './styles/tokens.js';
export { ChatComposer } from './components/chat-composer/chat-composer.component.js';
export { ChatConnectionBanner } from './components/chat-connection-banner/chat-connection-banner.component.js';
export { ChatConversationList } from './components/chat-conversation-list/chat-conversation-list.component.js';
export { ChatGroupMembers } from './components/chat-group-members/chat-group-members.component.js';
export { ChatIdentityBanner } from './components/chat-identity-banner/chat-identity-banner.component.js';
export { ChatFile } from './components/chat-file/chat-file.component.js';
export { ChatLogin } from './components/chat-login/chat-login.component.js';
export { ChatMessage } from './components/chat-message/chat-message.component.js';
export { ChatNewConversation } from './components/chat-new-conversation/chat-new-conversation.component.js';
export { ChatProvider } from './components/chat-provider/chat-provider.component.js';
export { ChatSafetyNumber } from './components/chat-safety-number/chat-safety-number.component.js';
export { ChatThread } from './components/chat-thread/chat-thread.component.js';
export { ChatTypingIndicator } from './components/chat-typing-indicator/chat-typing-indicator.component.js';
export { ChatUnreadBadge } from './components/chat-unread-badge/chat-unread-badge.component.js';
export { ChatWidget } from './components/chat-widget/chat-widget.component.js';
export type { WidgetMode } from './components/chat-widget/chat-widget.component.js';

/** The version of this package. */
export const WIDGETS_VERSION = '0.1.0';
