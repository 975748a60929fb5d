/**
 * `@parley/sdk/client` — only {@link ChatClient}, for bundles that load the SDK on demand
 * (the `<chat-widget>` script tag). Importing the package root also pulls in the classes it
 * re-exports (`Conversation`, `Attachment`, the stores), which a bundler must then place in the
 * first chunk; from here they arrive with the realtime half of the client once signed in.
 *
 * @example
 * ```ts
 * const { ChatClient } = await import('@parley/sdk/client');
 * const client = new ChatClient({ serverUrl: 'https://chat.example.com' });
 * ```
 */
export { ChatClient } from './client.js';
