import { parseArgs } from 'node:util';
import { SETTING_NAMES } from './config.js';
import type { ServerConfigInput } from './config.js';

/** Extra options a command accepts besides the configuration flags. */
export type ExtraOptions = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** What {@link readFlags} found on the command line. */
export interface Flags {
  /** Configuration settings given as flags (`--port` → `port`, …). */
  input: ServerConfigInput;
  /** Values of the extra options, by name. */
  extra: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Thrown by {@link readFlags} for an unknown flag or a missing value. */
export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlagError';
  }
}

const FLAG_TO_KEY: Record<string, string> = Object.fromEntries(
  Object.entries(SETTING_NAMES)
    .filter(([, names]) => names.flag)
    .map(([key, names]) => [String(names.flag).slice(2), key]),
);

/** Splits a comma-separated list, dropping blanks. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Parses the configuration flags every `parley-server` command shares (one per setting in
 * `SETTING_NAMES` that has a flag), plus a command's own options.
 *
 * @throws {FlagError} For an unknown flag, a flag without its value, or an unexpected positional.
 */
export function readFlags(
  argv: string[],
  extraOptions: ExtraOptions = {},
  allowPositionals = false,
): Flags {
  const options: ExtraOptions = { ...extraOptions };
  for (const flag of Object.keys(FLAG_TO_KEY)) options[flag] = { type: 'string' };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (err) {
    throw new FlagError(err instanceof Error ? err.message : String(err));
  }
  const input: Record<string, unknown> = {};
  for (const [flag, key] of Object.entries(FLAG_TO_KEY)) {
    const value = parsed.values[flag];
    if (typeof value !== 'string') continue;
    input[key] = key === 'allowedOrigins' ? splitList(value) : value;
  }
  const extra: Record<string, string | boolean | undefined> = {};
  for (const name of Object.keys(extraOptions)) extra[name] = parsed.values[name];
  return { input: input as ServerConfigInput, extra, positionals: parsed.positionals };
}
