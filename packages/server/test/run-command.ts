import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestServer } from './helpers.js';
import { urlFetchers } from './url-fetchers.js';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

/** How a `parley-server` command ended. */
export interface CommandRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  /** Environment on top of a clean one holding only PATH. */
  env?: Record<string, string>;
  /** Run as another user (e.g. `setpriv` as nobody), so root cannot skip permission checks. */
  prefix?: string[];
}

/** Runs `parley-server <args>` from source in a child process and collects its output. */
export function runCommand(args: string[], options: RunCommandOptions = {}): Promise<CommandRun> {
  const node = [process.execPath, '--conditions=parley-source', '--import', 'tsx', CLI, ...args];
  const [file, ...rest] = [...(options.prefix ?? []), ...node] as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(file, rest, {
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The parts of {@link TestServer} the REST and socket fixtures use, for a server in a process. */
export function remoteServer(url: string, dataDir: string): TestServer {
  return {
    url,
    dataDir,
    ...urlFetchers(url),
  } as TestServer;
}
