/**
 * Helpers of the samples (not shown in the docs): other people to talk to, so a sample can
 * show one side of a conversation.
 */
import { ChatClient } from '@parley/sdk';

/** The server every sample talks to; the docs test points it at a real server on port 0. */
export const SERVER_URL = 'http://localhost:3000';

/** Registers `username` (password `<username>-password-123`) and returns its signed-in client. */
export async function someone(username: string): Promise<ChatClient> {
  const client = new ChatClient({ serverUrl: SERVER_URL });
  await client.register({ username, password: `${username}-password-123` });
  return client;
}

/** Resolves with the first message `client` receives from someone else that satisfies `test`. */
export function nextMessage(
  client: ChatClient,
  test: (text: string) => boolean = () => true,
): Promise<{ text: string; conversationId: string }> {
  return new Promise((resolve) => {
    const off = client.on('message', (message) => {
      if (message.sender === client.me?.id || !test(message.text)) return;
      off();
      resolve(message);
    });
  });
}
