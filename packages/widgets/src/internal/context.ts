import { createContext } from '@lit/context';
import type { ChatStore } from '../state/chat-store.js';

/**
 * The {@link ChatStore} that `<chat-provider>` and `<chat-widget>` share with the components
 * inside them, through the Lit context protocol (`context-request` events).
 */
export const chatStoreContext = createContext<ChatStore | undefined>(
  Symbol.for('parley-chat-store'),
);
