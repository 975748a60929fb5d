/** What a command handler gets: the text after the command name, and the clock. */
export interface CommandInput {
  /** Everything after `/name `, trimmed. */
  args: string;
  now: () => number;
}

/** A command the bot answers. */
export interface Command {
  /** One line for `/help`. */
  summary: string;
  run(input: CommandInput): string;
}

/** The bot's commands, by name (without the slash). */
export const COMMANDS: Readonly<Record<string, Command>> = {
  help: {
    summary: 'list the commands',
    run: () => helpText(),
  },
  echo: {
    summary: 'answer with the same text: /echo hello',
    run: ({ args }) => (args === '' ? 'Usage: /echo <text>' : args),
  },
  time: {
    summary: "the bot's current time (UTC)",
    run: ({ now }) => `It is ${new Date(now()).toISOString()}.`,
  },
};

/** The answer to `/help`. */
export function helpText(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `/${name} — ${c.summary}`);
  return ['I answer these commands (end-to-end encrypted, like everything here):', ...lines].join(
    '\n',
  );
}

const COMMAND_LINE = /^\/([a-z]+)(?:\s+([\s\S]*))?$/i;

/**
 * The answer to one message, or `null` when the message is not a command (the bot stays quiet
 * in a conversation unless spoken to).
 */
export function answer(text: string, now: () => number): string | null {
  const match = COMMAND_LINE.exec(text.trim());
  if (!match) return null;
  const name = match[1]!.toLowerCase();
  const command = COMMANDS[name];
  if (!command) return `I do not know /${name}. Try /help.`;
  return command.run({ args: (match[2] ?? '').trim(), now });
}
