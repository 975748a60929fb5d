import type { Conversation, CurrentUser, Message } from '@parley/sdk';

/**
 * Every DOM event the Parley components dispatch, by name → `detail`. All bubble and cross
 * shadow roots (`composed`), so a host page can listen on `<chat-widget>` or `document`.
 * Names starting with `chat-request-` are cancelable: `preventDefault()` vetoes the action.
 */
export interface ChatEventDetails {
  /** A conversation was chosen in a list. */
  'chat-conversation-select': { conversationId: string };
  /** A conversation was created or opened from the new-conversation dialog. */
  'chat-conversation-created': { conversation: Conversation };
  /** The composer is about to send; cancel to keep the text and send nothing. */
  'chat-request-send': { conversationId: string; text: string };
  /**
   * Files were attached, dropped or pasted; cancel to upload nothing. Each file is sent as its
   * own message.
   */
  'chat-request-upload': { conversationId: string; files: readonly File[] };
  /** The composer handed a message to the SDK (it is `pending` until the server acks it). */
  'chat-message-sent': { conversationId: string; message: Message };
  /** The user asked to send a failed message again. */
  'chat-message-retry': { conversationId: string; messageId: string };
  /** The user signed in or registered. */
  'chat-signed-in': { user: CurrentUser };
  /** The user signed out (or the session ended). */
  'chat-signed-out': Record<string, never>;
  /** The launcher panel opened or closed. */
  'chat-open-change': { open: boolean };
  /** The total number of unread messages changed. */
  'chat-unread-change': { count: number };
  /** The user asked to see the safety number with another user. */
  'chat-request-safety-number': { userId: string };
  /** The user asked to start a new conversation. */
  'chat-request-new-conversation': Record<string, never>;
  /** The user asked to go back (to the conversation list, on narrow layouts). */
  'chat-back': Record<string, never>;
}

/** Name of a Parley DOM event. */
export type ChatEventName = keyof ChatEventDetails;

/**
 * A Parley DOM event: bubbles, composed, typed `detail`. One class for all of them so
 * `instanceof ChatEvent` recognises any of them.
 */
export class ChatEvent<K extends ChatEventName = ChatEventName> extends Event {
  /** What happened; see {@link ChatEventDetails}. */
  readonly detail: ChatEventDetails[K];

  /**
   * @param type - The event name.
   * @param detail - Its payload.
   * @param cancelable - Whether `preventDefault()` vetoes the action. Default: `chat-request-*`.
   */
  constructor(type: K, detail: ChatEventDetails[K], cancelable = type.startsWith('chat-request-')) {
    super(type, { bubbles: true, composed: true, cancelable });
    this.detail = detail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'chat-conversation-select': ChatEvent<'chat-conversation-select'>;
    'chat-conversation-created': ChatEvent<'chat-conversation-created'>;
    'chat-request-send': ChatEvent<'chat-request-send'>;
    'chat-request-upload': ChatEvent<'chat-request-upload'>;
    'chat-message-sent': ChatEvent<'chat-message-sent'>;
    'chat-message-retry': ChatEvent<'chat-message-retry'>;
    'chat-signed-in': ChatEvent<'chat-signed-in'>;
    'chat-signed-out': ChatEvent<'chat-signed-out'>;
    'chat-open-change': ChatEvent<'chat-open-change'>;
    'chat-unread-change': ChatEvent<'chat-unread-change'>;
    'chat-request-safety-number': ChatEvent<'chat-request-safety-number'>;
    'chat-request-new-conversation': ChatEvent<'chat-request-new-conversation'>;
    'chat-back': ChatEvent<'chat-back'>;
  }
}
