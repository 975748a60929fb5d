/**
 * @parley/widgets/react — React wrappers made with `@lit/react`, for React 18 and older (React
 * 19 renders custom elements natively: use the tags directly). Importing this module registers
 * the default tags. Events are mapped to `on*` props.
 *
 * @example
 * ```tsx
 * import { ChatWidget } from '@parley/widgets/react';
 * <ChatWidget server="https://chat.example.com" mode="launcher" onChatUnreadChange={(e) => setUnread(e.detail.count)} />
 * ```
 */
import * as React from 'react';
import { createComponent } from '@lit/react';
import type { EventName } from '@lit/react';
import '../define.js';
import { ChatComposer as ComposerElement } from '../components/chat-composer/chat-composer.component.js';
import { ChatConnectionBanner as ConnectionBannerElement } from '../components/chat-connection-banner/chat-connection-banner.component.js';
import { ChatConversationList as ConversationListElement } from '../components/chat-conversation-list/chat-conversation-list.component.js';
import { ChatIdentityBanner as IdentityBannerElement } from '../components/chat-identity-banner/chat-identity-banner.component.js';
import { ChatLogin as LoginElement } from '../components/chat-login/chat-login.component.js';
import { ChatMessage as MessageElement } from '../components/chat-message/chat-message.component.js';
import { ChatNewConversation as NewConversationElement } from '../components/chat-new-conversation/chat-new-conversation.component.js';
import { ChatProvider as ProviderElement } from '../components/chat-provider/chat-provider.component.js';
import { ChatSafetyNumber as SafetyNumberElement } from '../components/chat-safety-number/chat-safety-number.component.js';
import { ChatThread as ThreadElement } from '../components/chat-thread/chat-thread.component.js';
import { ChatTypingIndicator as TypingIndicatorElement } from '../components/chat-typing-indicator/chat-typing-indicator.component.js';
import { ChatUnreadBadge as UnreadBadgeElement } from '../components/chat-unread-badge/chat-unread-badge.component.js';
import { ChatWidget as WidgetElement } from '../components/chat-widget/chat-widget.component.js';
import type { ChatEvent, ChatEventName } from '../internal/events.js';

// Types each React event prop with the event's `detail`.
const on = <K extends ChatEventName>(name: K) => name as EventName<ChatEvent<K>>;

/** `<chat-widget>` for React. */
export const ChatWidget = createComponent({
  tagName: 'chat-widget',
  elementClass: WidgetElement,
  react: React,
  events: {
    onChatSignedIn: on('chat-signed-in'),
    onChatSignedOut: on('chat-signed-out'),
    onChatOpenChange: on('chat-open-change'),
    onChatUnreadChange: on('chat-unread-change'),
  },
});

/** `<chat-provider>` for React. */
export const ChatProvider = createComponent({
  tagName: 'chat-provider',
  elementClass: ProviderElement,
  react: React,
});

/** `<chat-login>` for React. */
export const ChatLogin = createComponent({
  tagName: 'chat-login',
  elementClass: LoginElement,
  react: React,
  events: { onChatSignedIn: on('chat-signed-in') },
});

/** `<chat-conversation-list>` for React. */
export const ChatConversationList = createComponent({
  tagName: 'chat-conversation-list',
  elementClass: ConversationListElement,
  react: React,
  events: { onChatConversationSelect: on('chat-conversation-select') },
});

/** `<chat-thread>` for React. */
export const ChatThread = createComponent({
  tagName: 'chat-thread',
  elementClass: ThreadElement,
  react: React,
  events: {
    onChatMessageRetry: on('chat-message-retry'),
    onChatRequestUpload: on('chat-request-upload'),
  },
});

/** `<chat-message>` for React. */
export const ChatMessage = createComponent({
  tagName: 'chat-message',
  elementClass: MessageElement,
  react: React,
  events: { onChatMessageRetry: on('chat-message-retry') },
});

/** `<chat-composer>` for React. */
export const ChatComposer = createComponent({
  tagName: 'chat-composer',
  elementClass: ComposerElement,
  react: React,
  events: {
    onChatRequestSend: on('chat-request-send'),
    onChatRequestUpload: on('chat-request-upload'),
    onChatMessageSent: on('chat-message-sent'),
  },
});

/** `<chat-new-conversation>` for React. */
export const ChatNewConversation = createComponent({
  tagName: 'chat-new-conversation',
  elementClass: NewConversationElement,
  react: React,
  events: { onChatConversationCreated: on('chat-conversation-created') },
});

/** `<chat-connection-banner>` for React. */
export const ChatConnectionBanner = createComponent({
  tagName: 'chat-connection-banner',
  elementClass: ConnectionBannerElement,
  react: React,
});

/** `<chat-identity-banner>` for React. */
export const ChatIdentityBanner = createComponent({
  tagName: 'chat-identity-banner',
  elementClass: IdentityBannerElement,
  react: React,
  events: { onChatRequestSafetyNumber: on('chat-request-safety-number') },
});

/** `<chat-safety-number>` for React. */
export const ChatSafetyNumber = createComponent({
  tagName: 'chat-safety-number',
  elementClass: SafetyNumberElement,
  react: React,
});

/** `<chat-typing-indicator>` for React. */
export const ChatTypingIndicator = createComponent({
  tagName: 'chat-typing-indicator',
  elementClass: TypingIndicatorElement,
  react: React,
});

/** `<chat-unread-badge>` for React. */
export const ChatUnreadBadge = createComponent({
  tagName: 'chat-unread-badge',
  elementClass: UnreadBadgeElement,
  react: React,
});
