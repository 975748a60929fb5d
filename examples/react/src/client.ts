import { ChatClient } from '@parley/sdk';

/**
 * One `ChatClient` for the whole app: the `<ChatWidget>` signs in and chats with it, and the
 * components built directly on the SDK read the same session and messages. The dev server
 * proxies `/api` and `/socket.io` to the Parley server, so it lives on this page's origin.
 */
export const client = new ChatClient({ serverUrl: window.location.origin });
