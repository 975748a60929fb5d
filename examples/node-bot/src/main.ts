/**
 * Runs the bot against a Parley server:
 *
 *   PARLEY_URL=http://127.0.0.1:3000 BOT_USERNAME=echobot BOT_PASSWORD=... npm start
 *
 * The account is created on first run; the session is kept (encrypted) in BOT_STATE_DIR so a
 * restart signs back in without the password-stretching step.
 */
import { ChatClient, ChatError, FileStore } from '@parley/sdk';
import { startBot } from './bot.js';

const serverUrl = process.env.PARLEY_URL ?? 'http://127.0.0.1:3000';
const username = process.env.BOT_USERNAME ?? 'echobot';
const password = process.env.BOT_PASSWORD ?? 'echobot-demo-password';
const stateDir = process.env.BOT_STATE_DIR ?? '.bot-state';

if (process.env.BOT_PASSWORD === undefined) {
  console.warn('bot: BOT_PASSWORD is not set; using the demo password (fine for a local server)');
}

const client = new ChatClient({ serverUrl, storage: new FileStore({ dir: stateDir }) });

async function signIn(): Promise<void> {
  if (await client.resume()) return;
  try {
    await client.login({ username, password });
  } catch (error) {
    if (!ChatError.is(error, 'unauthorized')) throw error;
    await client.register({ username, password, displayName: 'Echo bot' });
    console.log(`bot: created the account @${username}`);
  }
}

try {
  await signIn();
} catch (error) {
  console.error(
    `bot: cannot sign in to ${serverUrl}:`,
    error instanceof Error ? error.message : error,
  );
  process.exit(1);
}
const bot = startBot({ client });
console.log(
  `bot: @${username} is listening on ${serverUrl}. Add it to a conversation and send /help.`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    bot.stop();
    client.close();
    process.exit(0);
  });
}
