import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

/** A `parley-server` process started from source. */
export interface CliProcess {
  child: ChildProcess;
  url: string;
}

/**
 * Starts the real CLI in a child process (from source, clean environment) and resolves with
 * its URL once it listens. Crash tests `kill -9` it and start another on the same data folder
 * (and, with `port`, the same address, so clients reconnect by themselves).
 */
export function startCli(dataDir: string, port = 0): Promise<CliProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=parley-source',
        '--import',
        'tsx',
        CLI,
        '--port',
        String(port),
        '--data-dir',
        dataDir,
        '--log-level',
        'warn',
      ],
      { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /running at (\S+)/.exec(out)?.[1];
      if (url) resolve({ child, url });
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
}
