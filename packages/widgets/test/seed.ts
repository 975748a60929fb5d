/** Accounts and conversations made from Node (fast) for the browser tests to open. */
import type { ChatClient, Conversation } from '@parley/sdk';
import { newClient, uniqueUsername } from '../../sdk/test/test-server.js';
import type { RunningServer } from '../../sdk/test/test-server.js';

/** The password of every seeded account. */
export const SEED_PASSWORD = 'correct horse battery staple';

/** A registered user with a Node client. */
export interface SeededUser {
  username: string;
  client: ChatClient;
}

/** Registers a user from Node. */
export async function seedUser(server: RunningServer, prefix = 'user'): Promise<SeededUser> {
  const username = uniqueUsername(prefix);
  const client = newClient(server);
  await client.register({
    username,
    password: SEED_PASSWORD,
    displayName: prefix[0]!.toUpperCase() + prefix.slice(1),
  });
  return { username, client };
}

/** Registers one user per prefix, one after another, in order. */
export async function seedUsers<const P extends readonly string[]>(
  server: RunningServer,
  ...prefixes: P
): Promise<{ -readonly [K in keyof P]: SeededUser }> {
  const users: SeededUser[] = [];
  for (const prefix of prefixes) users.push(await seedUser(server, prefix));
  return users as { -readonly [K in keyof P]: SeededUser };
}

/** Opens a direct conversation from `from` to `to` and sends `texts` in order. */
export async function seedDirect(
  from: SeededUser,
  to: SeededUser,
  texts: readonly string[],
): Promise<Conversation> {
  const conversation = await from.client.conversations.openDirect(to.username);
  for (const text of texts) await conversation.send(text);
  return conversation;
}
