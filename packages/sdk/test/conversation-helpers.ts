import { expect } from 'vitest';
import { clientInternals } from '../src/client.js';
import type { ChatClient } from '../src/client.js';
import type { Conversation } from '../src/conversations/conversation.js';
import type { ChatError } from '../src/errors.js';
import type { Message } from '../src/types.js';
import { newClient, uniqueUsername } from './test-server.js';
import type { RunningServer } from './test-server.js';

/** A registered user with a signed-in client. */
export interface TestUser {
  client: ChatClient;
  id: string;
  username: string;
  password: string;
  /** Background errors the client reported (`error` events). */
  errors: ChatError[];
}

/**
 * Registers a user and waits until their realtime socket is online (so events sent after this
 * reach them live).
 */
export async function registerUser(
  server: RunningServer,
  prefix: string,
  options: Parameters<typeof newClient>[1] = {},
): Promise<TestUser> {
  const client = newClient(server, options);
  const errors: ChatError[] = [];
  client.on('error', (error) => errors.push(error));
  const username = uniqueUsername(prefix);
  const password = `pw ${username}`;
  const me = await client.register({ username, password });
  await online(client);
  return { client, id: me.id, username, password, errors };
}

/** Resolves once the client's connection is online. */
export function online(client: ChatClient, timeoutMs = 10_000): Promise<void> {
  if (client.connection === 'online') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('the client did not come online'));
    }, timeoutMs);
    const off = client.on('connection', (state) => {
      if (state !== 'online') return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/** Polls `check` until it holds (for effects that arrive over the socket). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The texts of a conversation's messages that were decrypted and stored. */
export function texts(conversation: Conversation): string[] {
  return conversation.messages.filter((m) => m.status === 'sent').map((m) => m.text);
}

/** Waits until `conversation` holds `count` sent messages. */
export async function waitForMessages(conversation: Conversation, count: number): Promise<void> {
  await eventually(
    () => conversation.messages.filter((m) => m.status === 'sent').length >= count,
    `${count} messages in ${conversation.id} (have ${conversation.messages.length})`,
  );
}

/** The stored messages in order, checking `seq` strictly increases. */
export function orderedMessages(conversation: Conversation): Message[] {
  const stored = conversation.messages.filter((m) => m.seq !== null);
  for (let i = 1; i < stored.length; i++) {
    expect(stored[i]!.seq!).toBeGreaterThan(stored[i - 1]!.seq!);
  }
  return stored;
}

/** The conversation with this id as `client` sees it, once loaded. */
export async function conversationOf(client: ChatClient, id: string): Promise<Conversation> {
  return client.conversations.get(id);
}

/** The signed-in client's realtime session (its connection, sync and search index). */
export async function realtimeOf(client: ChatClient) {
  const session = await clientInternals(client).realtime();
  if (!session) throw new Error('not signed in');
  return session;
}
