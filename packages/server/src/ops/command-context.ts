import { FlagError, readFlags } from '../cli-flags.js';
import type { ExtraOptions } from '../cli-flags.js';
import { ConfigError, configFromEnv, parseConfig } from '../config.js';
import type { ServerConfig, ServerConfigInput } from '../config.js';

/** Exit statuses shared by every operator command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Where a command writes; injectable so tests can read it. */
export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
}

/** Writes lines to the process's standard output and error. */
export const processOutput: CommandOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** A usage mistake (unknown flag, missing argument): reported with status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A command's parsed command line. */
export interface CommandLine {
  /** The settings from the environment with the flags laid over them, not yet validated. */
  input: ServerConfigInput;
  extra: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Reads a command's arguments: every server configuration flag (so `--data-dir` works the same
 * everywhere), the command's own options, and positionals. The environment gives the defaults.
 *
 * @throws {UsageError} For an unknown flag or a missing value.
 */
export function readCommandLine(
  argv: string[],
  env: NodeJS.ProcessEnv,
  options: ExtraOptions = {},
): CommandLine {
  try {
    const flags = readFlags(argv, { help: { type: 'boolean', short: 'h' }, ...options }, true);
    return {
      input: { ...configFromEnv(env), ...flags.input },
      extra: flags.extra,
      positionals: flags.positionals,
    };
  } catch (err) {
    if (err instanceof FlagError) throw new UsageError(err.message);
    throw err;
  }
}

/**
 * Validates the configuration a command runs with.
 * @throws {UsageError} Listing every wrong setting by its variable and flag name.
 */
export function commandConfig(input: ServerConfigInput): ServerConfig {
  try {
    return parseConfig(input);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}

/** Formats a byte count for people: `1.5 MiB`. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
