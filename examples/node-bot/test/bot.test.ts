import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatClient, MemoryStore } from '@parley/sdk';
import type { Conversation } from '@parley/sdk';
import { createServer } from '@parley/server';
import type { ParleyServer } from '@parley/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBot } from '../src/bot.js';
import type { Bot } from '../src/bot.js';
import { answer } from '../src/commands.js';

/** The lowest password-stretching cost the SDK accepts: test accounts only. */
const KDF = { m: 19_456, t: 2, p: 1 } as const;
const suffix = Math.random().toString(36).slice(2, 8);

describe('commands', () => {
  const now = () => Date.UTC(2026, 0, 2, 3, 4, 5);
  it('answers /echo, /time and /help, and ignores what is not a command', () => {
    expect(answer('/echo hi there', now)).toBe('hi there');
    expect(answer('/time', now)).toBe('It is 2026-01-02T03:04:05.000Z.');
    expect(answer('/help', now)).toMatch(/\/echo — .*\n\/time — /);
    expect(answer('/nope', now)).toBe('I do not know /nope. Try /help.');
    expect(answer('hello /echo', now)).toBeNull();
  });
});

describe('the bot, against a real server', () => {
  let dataDir: string;
  let server: ParleyServer;
  let url: string;
  const clients: ChatClient[] = [];
  let bot: Bot;
  let botId: string;
  const botName = `echobot${suffix}`;

  const client = () => {
    const c = new ChatClient({ serverUrl: url, storage: new MemoryStore(), kdf: KDF });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'parley-bot-'));
    server = await createServer({ dataDir, port: 0, logLevel: 'silent' });
    ({ url } = await server.listen());
    const botClient = client();
    botId = (await botClient.register({ username: botName, password: 'bot password 1' })).id;
    bot = startBot({ client: botClient });
  });
  afterAll(async () => {
    bot.stop();
    for (const c of clients) c.close();
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const fromBot = (conversation: Conversation, sender: string) =>
    conversation.messages.filter((m) => m.sender === sender).map((m) => m.text);

  it('is added to a conversation, decrypts /echo hi and answers end to end', async () => {
    const alice = client();
    await alice.register({ username: `alice${suffix}`, password: 'alice password 1' });
    const group = await alice.conversations.create({ title: 'with the bot', members: [botName] });
    expect(group.members.map((m) => m.userId)).toContain(botId);

    await group.send('/echo hi');
    await expect.poll(() => fromBot(group, botId), { timeout: 20_000 }).toEqual(['hi']);
    await group.send('just chatting');
    await group.send('/time');
    await expect.poll(() => fromBot(group, botId).length, { timeout: 20_000 }).toBe(2);
    expect(fromBot(group, botId)[1]).toMatch(/^It is \d{4}-\d\d-\d\dT/);

    // The server stored ciphertext only: neither the command nor the answer is in its files.
    const { readFileSync, readdirSync } = await import('node:fs');
    for (const name of readdirSync(dataDir).filter((n) => n.startsWith('parley.db'))) {
      expect(readFileSync(join(dataDir, name)).toString('latin1')).not.toContain('/echo hi');
    }
  });
});
