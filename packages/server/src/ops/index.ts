import { backupCommand } from './backup.js';
import { EXIT, UsageError, processOutput } from './command-context.js';
import type { CommandOutput } from './command-context.js';
import type { OperatorCommand } from './commands.js';
import { doctorCommand } from './doctor.js';
import { restoreCommand } from './restore.js';
import { seedCommand } from './seed.js';

export { OPERATOR_COMMANDS, isOperatorCommand } from './commands.js';
export type { OperatorCommand } from './commands.js';

type Command = (argv: string[], env: NodeJS.ProcessEnv, io: CommandOutput) => Promise<number>;

const COMMANDS: Record<OperatorCommand, Command> = {
  backup: backupCommand,
  restore: restoreCommand,
  doctor: doctorCommand,
  seed: seedCommand,
};

/**
 * Runs one operator command of `parley-server` and returns its exit status: 0 done, 1 failed
 * (with the reason in plain words on standard error), 2 a usage mistake.
 */
export async function runOperatorCommand(
  name: OperatorCommand,
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  io: CommandOutput = processOutput,
): Promise<number> {
  try {
    return await COMMANDS[name](argv, env, io);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`parley-server ${name}: ${err.message}\n\nRun parley-server ${name} --help for usage.`);
    return EXIT.usage;
  }
}
