import type { ChatClient, Message } from '@parley/sdk';
import { answer } from './commands.js';

/** Options of {@link startBot}. */
export interface BotOptions {
  /** A signed-in client: the bot's account. */
  client: ChatClient;
  /** The clock, in epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Called when an answer could not be sent (default: logged to stderr). */
  onError?: (error: unknown, message: Message) => void;
}

/** A running bot. */
export interface Bot {
  /** Stops answering (the client stays signed in). */
  stop(): void;
}

/**
 * Answers commands in every conversation the bot's account is a member of. People add the bot
 * like any user (by username); the SDK discovers the conversation on its next sync, decrypts
 * incoming messages, and encrypts the answers for the conversation's members, so the server
 * sees neither the command nor the answer.
 *
 * Only messages that arrive while the bot runs are answered: history the SDK loads when it
 * joins a conversation is not announced, so an old `/echo` is never answered twice.
 *
 * @example
 * ```ts
 * const client = new ChatClient({ serverUrl: 'http://localhost:3000' });
 * await client.login({ username: 'echobot', password });
 * const bot = startBot({ client });
 * ```
 */
export function startBot(options: BotOptions): Bot {
  const { client, now, onError } = {
    now: Date.now,
    onError: (error: unknown) => console.error('bot: could not answer:', error),
    ...options,
  };
  const me = client.me;
  if (me === null) throw new TypeError('startBot needs a signed-in client');

  const off = client.on('message', (message) => {
    if (message.sender === me.id || message.status !== 'sent') return;
    const reply = answer(message.text, now);
    if (reply === null) return;
    client.conversations
      .get(message.conversationId)
      .then((conversation) => conversation.send(reply))
      .catch((error: unknown) => onError(error, message));
  });
  return { stop: off };
}
